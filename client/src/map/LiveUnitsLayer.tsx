import { useLeafletContext } from '@react-leaflet/core';
import { canvas, divIcon, layerGroup, type Marker, marker, type Polyline, polyline } from 'leaflet';
import { useEffect, useMemo, useState } from 'react';
import { formatDuration } from '../state/period';
import { type Box, declutter } from './declutter';
import { STALE_AFTER_MS, TRAIL_COLOUR } from './layers';
import { ensurePane, escapeHtml } from './panes';
import type { UnitStore, UnitTrack } from './useLiveUnits';

/** Above this many units, call signs show only from zoom 15 so the labels do not bury the map. */
const LABEL_ALL_UP_TO = 40;

function ageText(track: UnitTrack, now: number): string {
  const last = track.fixes[track.fixes.length - 1];
  return last ? formatDuration(now - last.time) : 'no fix';
}

function unitHtml(track: UnitTrack, now: number): string {
  const id = escapeHtml(track.id);
  const call = escapeHtml(track.callSign);
  const last = track.fixes[track.fixes.length - 1];
  const at = last ? ` data-lat="${last.lat.toFixed(6)}" data-lng="${last.lng.toFixed(6)}"` : '';
  return `<div class="unit-marker" data-testid="unit-marker" data-unit-id="${id}" data-call-sign="${call}"${at}><span class="unit-dot"></span><span class="unit-label"><span class="unit-call">${call}</span> <span class="unit-age">${ageText(track, now)}</span></span></div>`;
}

/**
 * Live patrol units: a marker per unit with its call sign and the time since its last fix,
 * and a short trail of its recent path. Positions arrive through the store (the
 * `unitPositions` subscription); each moves one marker, with no React render.
 */
export function LiveUnitsLayer({ store }: { store: UnitStore }) {
  const { map, layerContainer } = useLeafletContext();
  const [group] = useState(() => layerGroup());
  const trailRenderer = useMemo(() => canvas({ pane: 'trails', padding: 0.1 }), []);

  useEffect(() => {
    const pane = ensurePane(map, 'units', 'layer-units');
    ensurePane(map, 'trails');
    const container = layerContainer ?? map;
    container.addLayer(group);

    const markers = new Map<string, { marker: Marker; trail: Polyline }>();
    // Call signs must not cover each other (CN-BZ1 over CN-R1): each label takes the first
    // free side of its dot (right, left, below, above), or is hidden (the dot keeps its title).
    let layoutFrame = 0;
    const layoutLabels = () => {
      layoutFrame = 0;
      const entries = [...markers.values()].flatMap(({ marker: m }) => {
        const label = m.getElement()?.querySelector<HTMLElement>('.unit-label');
        return label ? [{ p: map.latLngToContainerPoint(m.getLatLng()), label, w: label.offsetWidth, h: label.offsetHeight }] : [];
      });
      const dots: Box[] = entries.map(({ p }) => ({ x: p.x - 8, y: p.y - 8, w: 16, h: 16 }));
      const sides = ['right', 'left', 'below', 'above'] as const;
      const chosen = declutter(
        entries.map(({ p, w, h }) => [
          { x: p.x + 9, y: p.y - h / 2, w, h },
          { x: p.x - 9 - w, y: p.y - h / 2, w, h },
          { x: p.x - w / 2, y: p.y + 9, w, h },
          { x: p.x - w / 2, y: p.y - 9 - h, w, h },
        ]),
        dots,
      );
      entries.forEach(({ label }, k) => {
        const side = sides[chosen[k]!];
        label.dataset.side = side ?? 'hidden';
      });
    };
    const labelMode = () => {
      const compact = markers.size > LABEL_ALL_UP_TO && map.getZoom() < 15;
      pane.classList.toggle('units-compact', compact);
      if (!compact && !layoutFrame) layoutFrame = requestAnimationFrame(layoutLabels);
    };
    const paint = (track: UnitTrack, now: number) => {
      const last = track.fixes[track.fixes.length - 1];
      let entry = markers.get(track.id);
      if (!last) return;
      const stale = now - last.time > STALE_AFTER_MS;
      if (!entry) {
        const m = marker([last.lat, last.lng], {
          pane: 'units',
          pmIgnore: true,
          icon: divIcon({ className: 'unit-icon', html: unitHtml(track, now), iconSize: [14, 14], iconAnchor: [7, 7] }),
          keyboard: false,
          title: `${track.callSign}${track.team ? `, ${track.team}` : ''}`,
        });
        const trail = polyline([], {
          renderer: trailRenderer,
          pane: 'trails',
          color: TRAIL_COLOUR,
          weight: 3,
          opacity: 0.8,
          dashArray: '5 5',
          interactive: false,
          pmIgnore: true,
        });
        entry = { marker: m, trail };
        markers.set(track.id, entry);
        group.addLayer(trail);
        group.addLayer(m);
      } else {
        entry.marker.setLatLng([last.lat, last.lng]);
        const age = entry.marker.getElement()?.querySelector('.unit-age');
        if (age) age.textContent = ageText(track, now);
      }
      entry.trail.setLatLngs(track.fixes.map((f) => [f.lat, f.lng] as [number, number]));
      const element = entry.marker.getElement()?.querySelector('.unit-marker');
      element?.classList.toggle('unit-stale', stale);
      element?.setAttribute('data-lat', last.lat.toFixed(6));
      element?.setAttribute('data-lng', last.lng.toFixed(6));
      element?.setAttribute('data-fix-time', new Date(last.time).toISOString());
    };
    const paintAll = (tracks: readonly UnitTrack[]) => {
      const now = Date.now();
      for (const track of tracks) paint(track, now);
      pane.setAttribute('data-units', String(markers.size));
      labelMode();
    };
    paintAll([...store.units.values()]);
    if (markers.size > 0) window.performance.mark('vigil:layer-units');
    const off = store.listen((changed) => {
      paintAll(changed);
      window.performance.mark('vigil:layer-units');
    });
    // Ages tick on their own, so "2 min" becomes "3 min" without new fixes.
    const ticker = window.setInterval(() => {
      const now = Date.now();
      for (const track of store.units.values()) {
        const entry = markers.get(track.id);
        const age = entry?.marker.getElement()?.querySelector('.unit-age');
        if (age) age.textContent = ageText(track, now);
        const last = track.fixes[track.fixes.length - 1];
        entry?.marker
          .getElement()
          ?.querySelector('.unit-marker')
          ?.classList.toggle('unit-stale', !last || now - last.time > STALE_AFTER_MS);
      }
    }, 10_000);
    map.on('zoomend', labelMode);
    return () => {
      cancelAnimationFrame(layoutFrame);
      off();
      window.clearInterval(ticker);
      map.off('zoomend', labelMode);
      group.clearLayers();
      container.removeLayer(group);
      trailRenderer.remove();
    };
  }, [map, layerContainer, group, store, trailRenderer]);

  return null;
}
