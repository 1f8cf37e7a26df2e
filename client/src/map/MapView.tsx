import 'leaflet/dist/leaflet.css';
import type { AppConfigQuery } from '@vigil/schema';
import type { Geometry } from 'geojson';
import type { LayersControlEvent } from 'leaflet';
import { lazy, Suspense, useEffect, useMemo, useRef } from 'react';
import { LayerGroup, LayersControl, MapContainer, ScaleControl, TileLayer, useMap, useMapEvents } from 'react-leaflet';
import { PlanLayer } from '../plans/PlanLayer';
import type { PlanOnMap } from '../plans/planView';
import type { LayerId, MapState } from '../state/urlState';
import { FocusMarker, type MapFocus } from './FocusMarker';
import { HotspotLayer } from './HotspotLayer';
import type { HotspotClasses, HotspotResult } from './hotspotStyle';
import { hotspotLayerInfo } from './hotspotStyle';
import { IncidentsLayer } from './IncidentsLayer';
import type { IncidentPoints } from './incidentPoints';
import { Legend } from './Legend';
import { LiveUnitsLayer } from './LiveUnitsLayer';
import {
  INCIDENTS_LAYER,
  LAYER_ORDER,
  type MapLayerInfo,
  PATROL_ZONES_LAYER,
  SITES_LAYER,
  TRACE_LAYER,
  UNITS_LAYER,
  WARDS_LAYER,
  ZONES_LAYER,
} from './layers';
import { MapControl } from './MapControl';
import { PlaceSearch } from './PlaceSearch';
import { SitesLayer } from './SitesLayer';
import { type Trace, TraceLayer } from './TraceLayer';
import type { UnitStore } from './useLiveUnits';
import type { SitePoint } from './useSites';
import type { Zone } from './useZones';
import { WardsLayer } from './WardsLayer';
import type { ZoneEditorState } from './ZoneEditorLayer';
import { ZoneOutlinesLayer } from './ZoneOutlinesLayer';
import { ZonesLayer } from './ZonesLayer';

export type { MapFocus } from './FocusMarker';

const PlannerTools = lazy(() => import('./ZoneEditorLayer'));

export interface MapViewProps {
  state: MapState;
  onState: (change: Partial<MapState> | ((s: MapState) => Partial<MapState>)) => void;
  zones: readonly Zone[];
  config: AppConfigQuery['appConfig'] | undefined;
  hotspots: { result: HotspotResult | undefined; classes: HotspotClasses | undefined };
  incidents: IncidentPoints | undefined;
  sites: readonly SitePoint[] | undefined;
  selectedSiteId: string | null;
  onSelectSite: (id: string) => void;
  units: UnitStore;
  zoneShares: ReadonlyMap<string, number> | undefined;
  periodLabel: string;
  trace: Trace | null;
  replayIndex: number;
  focus: MapFocus | null;
  onFocus: (focus: Omit<MapFocus, 'seq'>) => void;
  /** A patrol plan to draw: the planner's preview, or the superintendent's plans with their progress. */
  plan?: PlanOnMap | null;
  /** Planners only: the zone editor and placing requested sites. */
  planner?: {
    editor: ZoneEditorState;
    onDrawn: (boundary: Geometry) => void;
    onChange: (boundary: Geometry) => void;
    onCancel: () => void;
    placing: boolean;
    placedAt: [number, number] | null;
    onPlace: (lat: number, lng: number) => void;
  };
}

const NAMES: Record<LayerId, string> = {
  wards: WARDS_LAYER.name,
  patrolzones: PATROL_ZONES_LAYER.name,
  zones: ZONES_LAYER.name,
  hotspots: 'Hot spots',
  incidents: INCIDENTS_LAYER.name,
  sites: SITES_LAYER.name,
  units: UNITS_LAYER.name,
  trace: TRACE_LAYER.name,
};
const BY_NAME = new Map(Object.entries(NAMES).map(([id, name]) => [name, id as LayerId]));

/** Keeps the address in step with the map: the view after each move, the layers as they are switched. */
function MapStateSync({ onState }: Pick<MapViewProps, 'onState'>) {
  const map = useMapEvents({
    moveend: () => {
      const c = map.getCenter();
      onState({ view: { lat: c.lat, lng: c.lng, zoom: map.getZoom() } });
    },
    overlayadd: (event: LayersControlEvent) => {
      const id = BY_NAME.get(event.name);
      if (id) onState((s) => (s.layers.has(id) ? {} : { layers: new Set([...s.layers, id]) }));
    },
    overlayremove: (event: LayersControlEvent) => {
      const id = BY_NAME.get(event.name);
      if (id) onState((s) => (s.layers.has(id) ? { layers: new Set([...s.layers].filter((l) => l !== id)) } : {}));
    },
  });
  return null;
}

/** Marks the moment the map first draws something, for the first-paint figure the performance test prints. */
function FirstPaint() {
  useEffect(() => {
    requestAnimationFrame(() => window.performance.mark('vigil:first-map-paint'));
  }, []);
  return null;
}

/** Moves the map when asked to show something: a site, a trace, a search result. */
function FocusOn({ focus }: { focus: MapFocus | null }) {
  const map = useMap();
  const seq = useRef(0);
  useEffect(() => {
    if (!focus || focus.seq === seq.current) return;
    seq.current = focus.seq;
    if (focus.bounds) map.flyToBounds(focus.bounds, { padding: [40, 40], maxZoom: focus.zoom ?? 16, duration: 0.6 });
    else map.flyTo([focus.lat, focus.lng], focus.zoom ?? 16, { duration: 0.6 });
  }, [map, focus]);
  return null;
}

/**
 * The map and its layers. It must be readable with no tile server (tests and air-gapped
 * deployments run without one), so the wards with their names are the base (shipped with
 * the dashboard), a search finds named places, and street tiles are an option that appears
 * only when the server configures a tile URL.
 */
export function MapView(props: MapViewProps) {
  const { state, onState, zones, config, hotspots, planner } = props;
  const tileUrl = config?.tileUrl?.trim();
  const on = (id: LayerId) => state.layers.has(id);
  // The map is created once; later view changes come from the map itself (and go to the address).
  const start = useRef(state.view).current;

  const legendLayers = useMemo<MapLayerInfo[]>(() => {
    const infos: Record<LayerId, MapLayerInfo> = {
      wards: WARDS_LAYER,
      patrolzones: PATROL_ZONES_LAYER,
      zones: {
        ...ZONES_LAYER,
        detail: `Share of each zone’s area within the visit radius of a patrol path, ${props.periodLabel} (at most 31 days)`,
      },
      hotspots: hotspotLayerInfo(hotspots.result, hotspots.classes),
      incidents: INCIDENTS_LAYER,
      sites: SITES_LAYER,
      units: UNITS_LAYER,
      trace: TRACE_LAYER,
    };
    return LAYER_ORDER.filter((id) => state.layers.has(id)).map((id) => infos[id]);
  }, [state.layers, hotspots.result, hotspots.classes, props.periodLabel]);

  return (
    <MapContainer
      center={[start.lat, start.lng]}
      zoom={start.zoom}
      preferCanvas
      className="map"
      minZoom={10}
      maxZoom={19}
      keyboardPanDelta={120}
    >
      <MapStateSync onState={onState} />
      <FocusOn focus={props.focus} />
      <FirstPaint />
      <MapControl position="topleft" className="search-control">
        <PlaceSearch onFocus={props.onFocus} />
      </MapControl>
      <LayersControl position="topright" collapsed={false}>
        {tileUrl ? (
          <>
            <LayersControl.BaseLayer checked name="Street map">
              <TileLayer url={tileUrl} attribution={config?.tileAttribution ?? ''} maxZoom={19} />
            </LayersControl.BaseLayer>
            <LayersControl.BaseLayer name="No background">
              <LayerGroup />
            </LayersControl.BaseLayer>
          </>
        ) : null}
        <LayersControl.Overlay checked={on('wards')} name={NAMES.wards}>
          <LayerGroup>
            <WardsLayer overTiles={Boolean(tileUrl)} />
          </LayerGroup>
        </LayersControl.Overlay>
        <LayersControl.Overlay checked={on('patrolzones')} name={NAMES.patrolzones}>
          <LayerGroup>
            <ZoneOutlinesLayer zones={zones} />
          </LayerGroup>
        </LayersControl.Overlay>
        <LayersControl.Overlay checked={on('zones')} name={NAMES.zones}>
          <LayerGroup>
            <ZonesLayer zones={zones} shares={props.zoneShares} periodLabel={props.periodLabel} />
          </LayerGroup>
        </LayersControl.Overlay>
        <LayersControl.Overlay checked={on('hotspots')} name={NAMES.hotspots}>
          <LayerGroup>
            <HotspotLayer result={hotspots.result} classes={hotspots.classes} />
          </LayerGroup>
        </LayersControl.Overlay>
        <LayersControl.Overlay checked={on('incidents')} name={NAMES.incidents}>
          <LayerGroup>
            <IncidentsLayer points={props.incidents} />
          </LayerGroup>
        </LayersControl.Overlay>
        <LayersControl.Overlay checked={on('sites')} name={NAMES.sites}>
          <LayerGroup>
            <SitesLayer sites={props.sites} selectedId={props.selectedSiteId} onSelect={props.onSelectSite} />
          </LayerGroup>
        </LayersControl.Overlay>
        <LayersControl.Overlay checked={on('units')} name={NAMES.units}>
          <LayerGroup>
            <LiveUnitsLayer store={props.units} />
          </LayerGroup>
        </LayersControl.Overlay>
        <LayersControl.Overlay checked={on('trace')} name={NAMES.trace}>
          <LayerGroup>
            <TraceLayer trace={props.trace} replayIndex={props.replayIndex} />
          </LayerGroup>
        </LayersControl.Overlay>
      </LayersControl>
      <PlanLayer plan={props.plan} />
      <FocusMarker focus={props.focus} />
      <ScaleControl position="bottomleft" imperial={false} />
      <Legend layers={legendLayers} />
      {planner ? (
        <Suspense fallback={null}>
          <PlannerTools {...planner} />
        </Suspense>
      ) : null}
    </MapContainer>
  );
}
