import '@geoman-io/leaflet-geoman-free';
import '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css';
import type { Geometry } from 'geojson';
import { geoJSON, type LeafletMouseEvent, type Polygon, svg } from 'leaflet';
import { useEffect, useMemo, useRef } from 'react';
import { CircleMarker, Tooltip, useMap } from 'react-leaflet';
import { DRAFT_COLOUR } from './layers';
import { ensurePane } from './panes';

/** What the planner is doing with zones: nothing, drawing a new outline, or editing one (new or saved). */
export type ZoneEditorState =
  | { mode: 'idle' }
  | { mode: 'drawing' }
  | {
      mode: 'editing';
      /** The saved zone being redrawn; null for a new one. */
      zoneId: string | null;
      boundary: Geometry;
      /** Goes up when editing starts afresh: the editable shape is rebuilt only then, not on every vertex move. */
      session: number;
    };

const DRAFT_STYLE = { color: DRAFT_COLOUR, weight: 3, opacity: 1, fillColor: DRAFT_COLOUR, fillOpacity: 0.12, dashArray: '6 4' };

interface ZoneEditorLayerProps {
  editor: ZoneEditorState;
  /** A new outline was closed (the first corner clicked again). */
  onDrawn: (boundary: Geometry) => void;
  /** A corner was moved, added or removed. */
  onChange: (boundary: Geometry) => void;
  /** Escape while drawing. */
  onCancel: () => void;
}

/**
 * Drawing and editing zone outlines with Leaflet-Geoman. The buttons live in the planner's
 * panel (real buttons, reachable by keyboard) rather than Geoman's toolbar; this component
 * only switches Geoman's modes to follow them and reports the shapes back.
 */
export function ZoneEditorLayer({ editor, onDrawn, onChange, onCancel }: ZoneEditorLayerProps) {
  const map = useMap();
  const renderer = useMemo(() => svg({ pane: 'draft' }), []);
  const callbacks = useRef({ onDrawn, onChange, onCancel });
  callbacks.current = { onDrawn, onChange, onCancel };

  useEffect(() => {
    ensurePane(map, 'draft', 'layer-draft');
    // This module loads after the map exists, so Geoman's map hook has not run: attach it now.
    // Geoman hangs itself on the global L that Leaflet sets.
    if (!map.pm) (window as unknown as { L: typeof import('leaflet') }).L.PM.reInitLayer(map as never);
    map.pm.setGlobalOptions({ pathOptions: { ...DRAFT_STYLE, renderer } as never, snappable: true, allowSelfIntersection: false });
    return () => void renderer.remove();
  }, [map, renderer]);

  const drawing = editor.mode === 'drawing';
  useEffect(() => {
    if (!drawing) return;
    map.pm.enableDraw('Polygon', {
      snappable: true,
      allowSelfIntersection: false,
      templineStyle: { color: DRAFT_COLOUR, weight: 2 },
      hintlineStyle: { color: DRAFT_COLOUR, dashArray: [5, 5] },
      pathOptions: { ...DRAFT_STYLE, renderer } as never,
    });
    map.getContainer().classList.add('map-drawing');
    const onCreate = (event: { layer: unknown }) => {
      const layer = event.layer as Polygon;
      const boundary = layer.toGeoJSON().geometry as Geometry;
      map.removeLayer(layer);
      callbacks.current.onDrawn(boundary);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') callbacks.current.onCancel();
    };
    map.on('pm:create', onCreate as never);
    window.addEventListener('keydown', onKey);
    return () => {
      map.off('pm:create', onCreate as never);
      window.removeEventListener('keydown', onKey);
      map.pm.disableDraw();
      map.getContainer().classList.remove('map-drawing');
    };
  }, [map, drawing, renderer]);

  const session = editor.mode === 'editing' ? editor.session : null;
  const boundary = editor.mode === 'editing' ? editor.boundary : null;
  const boundaryRef = useRef(boundary);
  boundaryRef.current = boundary;

  useEffect(() => {
    if (session === null || !boundaryRef.current) return;
    const shape = geoJSON(boundaryRef.current, {
      style: () => ({ ...DRAFT_STYLE, renderer, className: 'zone-draft' }),
      pane: 'draft',
    } as never);
    shape.addTo(map);
    for (const layer of shape.getLayers() as Polygon[]) {
      layer.pm.enable({ allowSelfIntersection: false, snappable: true });
      layer.on('pm:edit', () => callbacks.current.onChange(layer.toGeoJSON().geometry as Geometry));
    }
    return () => {
      for (const layer of shape.getLayers() as Polygon[]) layer.pm.disable();
      shape.remove();
    };
  }, [map, session, renderer]);

  return null;
}

/** Waits for one click on the map while a planner places a requested site; shows the chosen point. */
export function PlaceOnMap({
  active,
  at,
  onPlace,
}: {
  active: boolean;
  at: [number, number] | null;
  onPlace: (lat: number, lng: number) => void;
}) {
  const map = useMap();
  const onPlaceRef = useRef(onPlace);
  onPlaceRef.current = onPlace;
  useEffect(() => {
    if (!active) return;
    const container = map.getContainer();
    container.classList.add('map-placing');
    const onClick = (event: LeafletMouseEvent) => onPlaceRef.current(event.latlng.lat, event.latlng.lng);
    map.on('click', onClick);
    return () => {
      map.off('click', onClick);
      container.classList.remove('map-placing');
    };
  }, [map, active]);
  if (!at) return null;
  return (
    <CircleMarker center={at} radius={9} pathOptions={{ color: '#ffffff', weight: 3, fillColor: DRAFT_COLOUR, fillOpacity: 1 }}>
      <Tooltip permanent direction="top" offset={[0, -10]}>
        New site here
      </Tooltip>
    </CircleMarker>
  );
}

/** The planner's map tools, loaded only for planners (Leaflet-Geoman is a large module other roles never need). */
export default function PlannerTools(
  props: ZoneEditorLayerProps & { placing: boolean; placedAt: [number, number] | null; onPlace: (lat: number, lng: number) => void },
) {
  return (
    <>
      <ZoneEditorLayer editor={props.editor} onDrawn={props.onDrawn} onChange={props.onChange} onCancel={props.onCancel} />
      <PlaceOnMap active={props.placing} at={props.placedAt} onPlace={props.onPlace} />
    </>
  );
}
