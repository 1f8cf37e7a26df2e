import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { type PathOptions, type SVG, svg } from 'leaflet';
import { useEffect, useMemo } from 'react';
import { GeoJSON, Pane } from 'react-leaflet';
import { shareColour } from './layers';
import type { Zone } from './useZones';

interface ZoneCoverageProperties {
  id: string;
  name: string;
  share: number | null;
}

interface ZonesLayerProps {
  zones: readonly Zone[];
  /** Covered share by zone id (area within r metres of a patrol path in the window). */
  shares: ReadonlyMap<string, number> | undefined;
  periodLabel: string;
}

/** Zones filled by their covered share (darker is better covered), each with its figure as a tooltip. */
export function ZonesLayer({ zones, shares, periodLabel }: ZonesLayerProps) {
  const renderer = useMemo<SVG>(() => svg({ pane: 'zones', padding: 0.5 }), []);
  useEffect(() => () => void renderer.remove(), [renderer]);
  const data = useMemo<FeatureCollection<Geometry, ZoneCoverageProperties>>(
    () => ({
      type: 'FeatureCollection',
      features: zones.map(
        (zone): Feature<Geometry, ZoneCoverageProperties> => ({
          type: 'Feature',
          geometry: zone.boundary as Geometry,
          properties: { id: zone.id, name: zone.name, share: shares?.get(zone.id) ?? null },
        }),
      ),
    }),
    [zones, shares],
  );
  const style = useMemo(
    () =>
      (feature?: Feature<Geometry, ZoneCoverageProperties>): PathOptions => {
        const share = feature?.properties.share;
        return {
          renderer,
          className: 'zone-coverage',
          pmIgnore: true,
          color: '#1d3b5c',
          weight: 1,
          opacity: 0.7,
          fillColor: share === null || share === undefined ? '#ffffff' : shareColour(share),
          fillOpacity: share === null || share === undefined ? 0 : 0.7,
        };
      },
    [renderer],
  );
  // GeoJSON does not redraw when its data changes: a new key makes it.
  const version = zones.map((z) => `${z.id}:${z.updatedAt}:${shares?.get(z.id) ?? ''}`).join(',');
  return (
    <Pane name="zones" style={{ zIndex: 360 }} ref={(element: HTMLElement | null) => element?.setAttribute('data-testid', 'layer-zones')}>
      <GeoJSON
        key={version}
        data={data}
        style={style}
        onEachFeature={(feature: Feature<Geometry, ZoneCoverageProperties>, layer) => {
          const { name, share } = feature.properties;
          layer.bindTooltip(
            share === null ? `${name}: coverage loading…` : `${name}: ${Math.round(share * 100)} % of its area patrolled (${periodLabel})`,
            { sticky: true, className: 'ward-tooltip' },
          );
        }}
      />
    </Pane>
  );
}
