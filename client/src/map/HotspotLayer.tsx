import type { Polygon as GeoPolygon } from 'geojson';
import { type LatLngExpression, type Layer, type LeafletMouseEvent, polygon, popup } from 'leaflet';
import { useEffect } from 'react';
import { type HotspotCell, type HotspotClasses, type HotspotResult } from './hotspotStyle';
import { CONFIDENCE_LABELS, GRID_STROKE } from './layers';
import { ensurePane, escapeHtml } from './panes';
import { useCanvasGroup } from './useCanvasGroup';

interface HotspotLayerProps {
  result: HotspotResult | undefined;
  classes: HotspotClasses | undefined;
}

function ring(geometry: { type: string; coordinates: unknown }): LatLngExpression[] {
  // Cells are Polygons from ST_SquareGrid / ST_HexagonGrid: the outer ring is all there is.
  const coordinates = (geometry as GeoPolygon).coordinates[0] ?? [];
  return coordinates.map(([lng, lat]) => [lat!, lng!] as [number, number]);
}

function cellPopup(cell: HotspotCell, method: HotspotResult['parameters']['method']): string {
  const lines = [`<strong>${cell.count} incident${cell.count === 1 ? '' : 's'}</strong>`];
  if (method === 'GI_STAR') {
    lines.push(escapeHtml(CONFIDENCE_LABELS[cell.confidence]));
    if (cell.zScore !== null && cell.zScore !== undefined) lines.push(`Gi* z-score ${cell.zScore.toFixed(2)}`);
  } else if (method === 'KDE') {
    lines.push(`Density ${cell.value.toFixed(1)} per km² (quartic kernel)`);
  }
  return lines.join('<br>');
}

/**
 * Hot-spot cells, coloured by Gi* confidence (or by count/density class). Up to tens of
 * thousands of polygons, so they are drawn on one canvas rather than as SVG elements; the
 * pane carries the cell count and class totals for tests (`data-cells`, `data-classes`).
 */
export function HotspotLayer({ result, classes }: HotspotLayerProps) {
  const { map, group, renderer } = useCanvasGroup('hotspots', 'layer-hotspots');

  useEffect(() => {
    const pane = ensurePane(map, 'hotspots', 'layer-hotspots');
    group.clearLayers();
    if (!result || !classes) {
      pane.removeAttribute('data-cells');
      return;
    }
    const cells = new WeakMap<Layer, HotspotCell>();
    const totals: Record<string, number> = {};
    for (const cell of result.cells) {
      const fill = classes.fillOf(cell);
      const shape = polygon(ring(cell.geometry), {
        renderer,
        pane: 'hotspots',
        pmIgnore: true,
        color: fill ? '#5b1020' : GRID_STROKE,
        weight: fill ? 0.6 : 0.4,
        opacity: fill ? 0.55 : 0.35,
        fill: true,
        fillColor: fill ?? '#ffffff',
        // Empty cells stay clickable but nearly invisible, so the background reads through.
        fillOpacity: fill ? 0.72 : 0.01,
      });
      cells.set(shape, cell);
      group.addLayer(shape);
      totals[cell.confidence] = (totals[cell.confidence] ?? 0) + 1;
    }
    const onClick = (event: LeafletMouseEvent) => {
      const cell = cells.get(event.propagatedFrom as Layer);
      if (cell) popup().setLatLng(event.latlng).setContent(cellPopup(cell, result.parameters.method)).openOn(map);
    };
    group.on('click', onClick);
    pane.setAttribute('data-cells', String(result.cells.length));
    pane.setAttribute('data-method', result.parameters.method);
    pane.setAttribute(
      'data-classes',
      Object.entries(totals)
        .sort()
        .map(([k, n]) => `${k}:${n}`)
        .join(' '),
    );
    pane.setAttribute('data-incidents', String(result.summary.incidentCount));
    window.performance.mark('vigil:layer-hotspots');
    return () => {
      group.off('click', onClick);
    };
  }, [map, group, renderer, result, classes]);

  return null;
}
