import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { type Path, type PathOptions, type SVG, svg } from 'leaflet';
import { useEffect, useMemo } from 'react';
import { GeoJSON, Pane } from 'react-leaflet';
import { WARD_STYLE, WARD_STYLE_NO_TILES, WARDS_LAYER } from './layers';
import type { Zone } from './useZones';

interface ZoneProperties {
  id: string;
  name: string;
  borough: string | null;
}

interface WardsLayerProps {
  zones: readonly Zone[];
  /** Changes whenever `zones` is new data: GeoJSON does not redraw when its data prop changes. */
  version: number;
  /** Whether street tiles may be showing beneath: then the fill must let them through. */
  overTiles: boolean;
}

const PANE = 'wards';

function toFeatureCollection(zones: readonly Zone[]): FeatureCollection<Geometry, ZoneProperties> {
  return {
    type: 'FeatureCollection',
    features: zones.map(
      (zone): Feature<Geometry, ZoneProperties> => ({
        type: 'Feature',
        id: zone.id,
        // The server's GeoJSON scalar is an RFC 7946 geometry (MultiPolygon for zones).
        geometry: zone.boundary as Geometry,
        properties: { id: zone.id, name: zone.name, borough: zone.borough ?? null },
      }),
    ),
  };
}

/**
 * Patrol zones drawn as outlines with their names as tooltips. The map prefers canvas for
 * the many-feature layers to come; the few dozen wards use SVG instead so that each outline
 * is an element (class `ward-outline`) that can be hovered, styled and found by tests.
 */
export function WardsLayer({ zones, version, overTiles }: WardsLayerProps) {
  const renderer = useMemo<SVG>(() => svg({ pane: PANE, padding: 0.5 }), []);
  useEffect(() => () => void renderer.remove(), [renderer]);

  const data = useMemo(() => toFeatureCollection(zones), [zones]);
  const base = overTiles ? WARD_STYLE : WARD_STYLE_NO_TILES;
  const style = useMemo(() => (): PathOptions => ({ ...base, className: 'ward-outline', renderer }), [base, renderer]);

  return (
    <Pane
      name={PANE}
      // Below the default overlay pane (400), so later layers such as hot spots draw on top of the outlines.
      style={{ zIndex: 350 }}
      ref={(element: HTMLElement | null) => element?.setAttribute('data-testid', `layer-${WARDS_LAYER.id}`)}
    >
      <GeoJSON
        key={version}
        data={data}
        style={style}
        onEachFeature={(feature: Feature<Geometry, ZoneProperties>, layer) => {
          const { name, borough } = feature.properties;
          layer.bindTooltip(borough ? `${name} (${borough})` : name, { sticky: true, className: 'ward-tooltip', direction: 'top' });
          layer.on({
            mouseover: (event) => (event.target as Path).setStyle({ weight: WARD_STYLE.weight + 2 }),
            mouseout: (event) => (event.target as Path).setStyle({ weight: WARD_STYLE.weight }),
          });
        }}
      />
    </Pane>
  );
}
