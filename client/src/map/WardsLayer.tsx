import { useLeafletContext } from '@react-leaflet/core';
import type { Feature, FeatureCollection, MultiPolygon } from 'geojson';
import { type Path, type PathOptions, type SVG, svg } from 'leaflet';
import { useEffect, useMemo, useState } from 'react';
import { GeoJSON, Pane } from 'react-leaflet';
import { LabelLayer } from './LabelLayer';
import { PANES, WARD_STYLE, WARD_STYLE_NO_TILES, WARDS_LAYER } from './layers';
import { ensurePane } from './panes';
import { wards } from './wards';

interface WardProperties {
  name: string;
  borough: string;
}

const PANE = 'wards';

/** Ward names are shown from this zoom: below it the two boroughs are too small to read them. */
const LABELS_FROM_ZOOM = 12;

function collection(): FeatureCollection<MultiPolygon, WardProperties> {
  return {
    type: 'FeatureCollection',
    features: wards().map(
      (w): Feature<MultiPolygon, WardProperties> => ({
        type: 'Feature',
        id: w.gssCode,
        geometry: w.boundary,
        properties: { name: w.name, borough: w.borough },
      }),
    ),
  };
}

/** Ward names where there is room for them; larger wards first, as they hold longer names. */
function WardLabels() {
  const { map, layerContainer } = useLeafletContext();
  const [layer] = useState(
    () =>
      new LabelLayer(
        'labels',
        wards().map((w) => ({ at: w.label, text: w.name, priority: w.boundary.coordinates.length })),
        'ward-labels',
        LABELS_FROM_ZOOM,
      ),
  );
  useEffect(() => {
    ensurePane(map, 'labels', 'layer-ward-labels');
    const container = layerContainer ?? map;
    container.addLayer(layer);
    return () => void container.removeLayer(layer);
  }, [map, layerContainer, layer]);
  return null;
}

/**
 * The base map: ward outlines with their names (shipped with the dashboard, see wards.ts),
 * so the map is readable at once and without a tile server. The few dozen wards use SVG,
 * so each outline is an element (class `ward-outline`) that can be hovered and found by tests.
 */
export function WardsLayer({ overTiles }: { overTiles: boolean }) {
  const renderer = useMemo<SVG>(() => svg({ pane: PANE, padding: 0.5 }), []);
  useEffect(() => () => void renderer.remove(), [renderer]);
  const data = useMemo(collection, []);
  const base = overTiles ? WARD_STYLE : WARD_STYLE_NO_TILES;
  const style = useMemo(() => (): PathOptions => ({ ...base, className: 'ward-outline', renderer, pmIgnore: true }), [base, renderer]);

  return (
    <>
      <Pane
        name={PANE}
        style={{ zIndex: PANES.wards }}
        ref={(element: HTMLElement | null) => element?.setAttribute('data-testid', `layer-${WARDS_LAYER.id}`)}
      >
        <GeoJSON
          data={data}
          style={style}
          onEachFeature={(feature: Feature<MultiPolygon, WardProperties>, layer) => {
            const { name, borough } = feature.properties;
            layer.bindTooltip(`${name} ward (${borough})`, { sticky: true, className: 'ward-tooltip', direction: 'top' });
            layer.on({
              mouseover: (event) => (event.target as Path).setStyle({ weight: WARD_STYLE.weight + 1.5 }),
              mouseout: (event) => (event.target as Path).setStyle({ weight: WARD_STYLE.weight }),
            });
          }}
        />
      </Pane>
      <WardLabels />
    </>
  );
}
