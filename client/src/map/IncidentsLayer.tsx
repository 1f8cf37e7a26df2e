import { createLayerComponent, type LayerProps } from '@react-leaflet/core';
import { popup } from 'leaflet';
import { useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import { categoryLabel } from '../state/categories';
import { formatDateTime } from '../state/period';
import { addClickTarget } from './clickTargets';
import { darknessOf, type IncidentPoints, isHateCrime, isMonthOnly, locationOf } from './incidentPoints';
import { DARKNESS_COLOURS, HATE_STROKE, PANES } from './layers';
import { type PointClass, PointCloud } from './PointCloud';
import { ensurePane, escapeHtml } from './panes';

const DARKNESS_WORDS = { DARK: 'after dark', LIGHT: 'in daylight', UNKNOWN: 'time known to the month only' } as const;
const monthFormat = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

function incidentPopup(points: IncidentPoints, k: number): string {
  const at = new Date(points.occurredAt[k]! * 1000);
  const when = isMonthOnly(points, k) ? monthFormat.format(at) : formatDateTime(at.toISOString());
  const hate = isHateCrime(points, k) ? '<br>Hate crime' : '';
  const place = locationOf(points, k);
  const category = points.categories[points.category[k]!] ?? 'unknown';
  return `<strong>${escapeHtml(categoryLabel(category))}</strong><br>${escapeHtml(when)}, ${DARKNESS_WORDS[darknessOf(points, k)]}${hate}${place ? `<br>${escapeHtml(place)}` : ''}`;
}

/** Classes 0–2: dark, light, unknown; 3–5 the same with the red hate-crime ring, drawn last. */
const ORDER = ['DARK', 'LIGHT', 'UNKNOWN'] as const;
function classes(zoom: number): PointClass[] {
  const r = zoom <= 12 ? 2 : zoom === 13 ? 2.6 : zoom === 14 ? 3.2 : 3.8;
  const plain = ORDER.map((d) => ({ radius: r, fill: DARKNESS_COLOURS[d], stroke: '#ffffff', strokeWidth: zoom <= 12 ? 0 : 0.8 }));
  const hate = ORDER.map((d) => ({ radius: r + 1, fill: DARKNESS_COLOURS[d], stroke: HATE_STROKE, strokeWidth: 2 }));
  return [...plain, ...hate];
}
const classOf = (points: IncidentPoints, k: number) => ORDER.indexOf(darknessOf(points, k)) + (isHateCrime(points, k) ? 3 : 0);

const Cloud = createLayerComponent<PointCloud, LayerProps & { points: IncidentPoints | null }>(
  ({ points }, context) => ({ instance: new PointCloud({ pane: 'incidents', classOf, classes }).setPoints(points), context }),
  (instance, props, previous) => {
    if (props.points !== previous.points) instance.setPoints(props.points);
  },
);

/**
 * Incidents as small circles on one canvas (see PointCloud): colour says dark or daylight,
 * a red ring marks hate crime; a click opens the nearest one. The pane carries the number
 * drawn for tests (`data-points`).
 */
export function IncidentsLayer({ points }: { points: IncidentPoints | undefined }) {
  const map = useMap();
  const layer = useRef<PointCloud>(null);
  const pane = ensurePane(map, 'incidents', 'layer-incidents');

  useEffect(() => {
    if (!points) {
      pane.removeAttribute('data-points');
      return;
    }
    pane.setAttribute('data-points', String(points.count));
    requestAnimationFrame(() => window.performance.mark('vigil:layer-incidents'));
  }, [pane, points]);

  useEffect(
    () =>
      addClickTarget(map, PANES.incidents, (_latlng, at) => {
        const cloud = layer.current;
        if (!cloud || !points || !map.hasLayer(cloud)) return null;
        const k = cloud.nearest(at, 6);
        if (k < 0) return null;
        return () => popup().setLatLng([points.latitude[k]!, points.longitude[k]!]).setContent(incidentPopup(points, k)).openOn(map);
      }),
    [map, points],
  );

  return <Cloud ref={layer} points={points ?? null} />;
}
