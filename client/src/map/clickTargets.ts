import type { LatLng, Map as LeafletMap, LeafletMouseEvent, Point } from 'leaflet';

/** What a layer does with a click it claims (open its popup), or null when nothing of it is there. */
export type ClickHit = (latlng: LatLng, containerPoint: Point) => (() => void) | null;

interface Registry {
  targets: { z: number; hit: ClickHit }[];
}

const registries = new WeakMap<LeafletMap, Registry>();

/**
 * Clicks on the map's canvas layers, given to the topmost layer with something at that
 * spot: an incident point over a hot-spot cell opens the incident, not the cell. The layers
 * themselves draw non-interactively (no hit test on every mouse move over thousands of
 * shapes). Nothing opens while a planner draws a zone or places a requested site: that
 * click is theirs.
 */
export function addClickTarget(map: LeafletMap, z: number, hit: ClickHit): () => void {
  let registry = registries.get(map);
  if (!registry) {
    const created: Registry = { targets: [] };
    registry = created;
    registries.set(map, created);
    map.on('click', (event: LeafletMouseEvent) => {
      const container = map.getContainer();
      if (container.classList.contains('map-placing') || container.classList.contains('map-drawing')) return;
      for (const target of [...created.targets].sort((a, b) => b.z - a.z)) {
        const open = target.hit(event.latlng, event.containerPoint);
        if (open) {
          open();
          return;
        }
      }
    });
  }
  const entry = { z, hit };
  registry.targets.push(entry);
  return () => {
    const list = registries.get(map)?.targets;
    if (list) list.splice(list.indexOf(entry), 1);
  };
}
