import type { Polygon as GeoPolygon } from 'geojson';
import { type LatLngExpression, polygon, popup } from 'leaflet';
import { useEffect } from 'react';
import { addClickTarget } from './clickTargets';
import { type HotspotCell, type HotspotClasses, type HotspotResult } from './hotspotStyle';
import { CONFIDENCE_LABELS, GRID_STROKE, PANES } from './layers';
import { ensurePane, escapeHtml } from './panes';
import { useCanvasGroup } from './useCanvasGroup';

interface HotspotLayerProps {
  result: HotspotResult | undefined;
  classes: HotspotClasses | undefined;
}

/** Cells are Polygons from a square or hexagon grid: the outer ring is all there is. */
function outerRing(geometry: { type: string; coordinates: unknown }): number[][] {
  return (geometry as GeoPolygon).coordinates[0] ?? [];
}

function ring(geometry: { type: string; coordinates: unknown }): LatLngExpression[] {
  return outerRing(geometry).map(([lng, lat]) => [lat!, lng!] as [number, number]);
}

/** Whether [lng, lat] is inside a ring (even–odd rule). */
function inside(ringCoordinates: number[][], lng: number, lat: number): boolean {
  let odd = false;
  for (let a = 0, b = ringCoordinates.length - 1; a < ringCoordinates.length; b = a++) {
    const [xa, ya] = ringCoordinates[a]!;
    const [xb, yb] = ringCoordinates[b]!;
    if (ya! > lat !== yb! > lat && lng < ((xb! - xa!) * (lat - ya!)) / (yb! - ya!) + xa!) odd = !odd;
  }
  return odd;
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
    const totals: Record<string, number> = {};
    for (const cell of result.cells) {
      const fill = classes.fillOf(cell);
      const shape = polygon(ring(cell.geometry), {
        renderer,
        pane: 'hotspots',
        pmIgnore: true,
        // Clicks come through the map (clickTargets): no hit test over thousands of cells on every mouse move.
        interactive: false,
        color: fill ? '#5b1020' : GRID_STROKE,
        weight: fill ? 0.6 : 0.4,
        opacity: fill ? 0.55 : 0.35,
        fill: true,
        fillColor: fill ?? '#ffffff',
        // Empty cells stay clickable but nearly invisible, so the background reads through.
        fillOpacity: fill ? 0.72 : 0.01,
      });
      group.addLayer(shape);
      totals[cell.confidence] = (totals[cell.confidence] ?? 0) + 1;
    }
    const offClick = addClickTarget(map, PANES.hotspots, (latlng) => {
      if (!map.hasLayer(group)) return null;
      const cell = result.cells.find((c) => inside(outerRing(c.geometry), latlng.lng, latlng.lat));
      return cell ? () => popup().setLatLng(latlng).setContent(cellPopup(cell, result.parameters.method)).openOn(map) : null;
    });
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
    requestAnimationFrame(() => window.performance.mark('vigil:layer-hotspots'));
    return offClick;
  }, [map, group, renderer, result, classes]);

  return null;
}
