import { circleMarker, type Layer, type LeafletMouseEvent, popup } from 'leaflet';
import { useEffect } from 'react';
import { categoryLabel } from '../state/categories';
import { formatDateTime } from '../state/period';
import { DARKNESS_COLOURS, HATE_STROKE } from './layers';
import { ensurePane, escapeHtml } from './panes';
import { useCanvasGroup } from './useCanvasGroup';
import type { IncidentPoint } from './useIncidents';

const DARKNESS_WORDS = { DARK: 'after dark', LIGHT: 'in daylight', UNKNOWN: 'time known to the month only' } as const;

function incidentPopup(incident: IncidentPoint): string {
  const when =
    incident.occurredPrecision === 'MONTH'
      ? new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric' }).format(new Date(incident.occurredAt))
      : formatDateTime(incident.occurredAt);
  const flags = incident.hateCrimeFlags.length
    ? `<br>Hate crime: ${escapeHtml(incident.hateCrimeFlags.map((f) => f.toLowerCase().replace('_', '-')).join(', '))}`
    : '';
  const place = incident.locationName ? `<br>${escapeHtml(incident.locationName)}` : '';
  return `<strong>${escapeHtml(categoryLabel(incident.category))}</strong><br>${escapeHtml(when)}, ${DARKNESS_WORDS[incident.darkness]}${flags}${place}`;
}

/**
 * Incidents as small circles on one canvas: thousands of points pan smoothly this way
 * (DOM markers stop scaling at about a thousand). Colour says dark or daylight; a red ring
 * marks hate crime.
 */
export function IncidentsLayer({ incidents }: { incidents: readonly IncidentPoint[] | undefined }) {
  const { map, group, renderer } = useCanvasGroup('incidents', 'layer-incidents', { tolerance: 3 });

  useEffect(() => {
    const pane = ensurePane(map, 'incidents', 'layer-incidents');
    group.clearLayers();
    if (!incidents) {
      pane.removeAttribute('data-points');
      return;
    }
    const byLayer = new WeakMap<Layer, IncidentPoint>();
    for (const incident of incidents) {
      const hate = incident.hateCrimeFlags.length > 0;
      const point = circleMarker([incident.latitude, incident.longitude], {
        renderer,
        pane: 'incidents',
        pmIgnore: true,
        radius: hate ? 4.5 : 3.5,
        color: hate ? HATE_STROKE : '#ffffff',
        weight: hate ? 2 : 0.8,
        fillColor: DARKNESS_COLOURS[incident.darkness],
        fillOpacity: 0.85,
      });
      byLayer.set(point, incident);
      group.addLayer(point);
    }
    const onClick = (event: LeafletMouseEvent) => {
      const incident = byLayer.get(event.propagatedFrom as Layer);
      if (incident) popup().setLatLng(event.latlng).setContent(incidentPopup(incident)).openOn(map);
    };
    group.on('click', onClick);
    pane.setAttribute('data-points', String(incidents.length));
    window.performance.mark('vigil:layer-incidents');
    return () => {
      group.off('click', onClick);
    };
  }, [map, group, renderer, incidents]);

  return null;
}
