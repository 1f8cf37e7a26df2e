import { useLeafletContext } from '@react-leaflet/core';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { type PathOptions, type SVG, svg } from 'leaflet';
import { useEffect, useMemo, useState } from 'react';
import { GeoJSON, Pane } from 'react-leaflet';
import { centreOf } from './geometry';
import { LabelLayer } from './LabelLayer';
import { PANES, ZONE_OUTLINE_STYLE } from './layers';
import { ensurePane } from './panes';
import type { Zone } from './useZones';

/**
 * Patrol zones that are not simply a ward: drawn by a planner, or a ward zone whose outline
 * was redrawn. Ward zones as they came are the ward outlines of the base map already.
 */
export function plannedZones(zones: readonly Zone[]): Zone[] {
  return zones.filter((z) => !z.gssCode || Date.parse(z.updatedAt) - Date.parse(z.createdAt) > 1000);
}

function ZoneLabels({ zones }: { zones: readonly Zone[] }) {
  const { map, layerContainer } = useLeafletContext();
  const [layer] = useState(() => new LabelLayer('labels', [], 'zone-labels'));
  useEffect(() => {
    ensurePane(map, 'labels');
    const container = layerContainer ?? map;
    container.addLayer(layer);
    return () => void container.removeLayer(layer);
  }, [map, layerContainer, layer]);
  useEffect(() => {
    layer.setLabels(
      zones.flatMap((z) => {
        const at = centreOf(z.boundary as Geometry);
        // Above the ward names: a planner's zone is what the planner is looking for.
        return at ? [{ at, text: z.name, priority: 100 }] : [];
      }),
    );
  }, [layer, zones]);
  return null;
}

/** Planned zones: a dashed teal outline and the zone's name, unlike the wards' thin blue lines. */
export function ZoneOutlinesLayer({ zones }: { zones: readonly Zone[] }) {
  const renderer = useMemo<SVG>(() => svg({ pane: 'zoneOutlines', padding: 0.5 }), []);
  useEffect(() => () => void renderer.remove(), [renderer]);
  const planned = useMemo(() => plannedZones(zones), [zones]);
  const data = useMemo<FeatureCollection>(
    () => ({
      type: 'FeatureCollection',
      features: planned.map(
        (z): Feature => ({ type: 'Feature', id: z.id, geometry: z.boundary as Geometry, properties: { name: z.name } }),
      ),
    }),
    [planned],
  );
  const style = useMemo(
    () => (): PathOptions => ({ ...ZONE_OUTLINE_STYLE, renderer, className: 'zone-outline', pmIgnore: true }),
    [renderer],
  );
  const version = planned.map((z) => `${z.id}:${z.updatedAt}`).join(',');
  return (
    <>
      <Pane
        name="zoneOutlines"
        style={{ zIndex: PANES.zoneOutlines }}
        ref={(element: HTMLElement | null) => element?.setAttribute('data-testid', 'layer-patrolzones')}
      >
        <GeoJSON key={version} data={data} style={style} />
      </Pane>
      <ZoneLabels zones={planned} />
    </>
  );
}
