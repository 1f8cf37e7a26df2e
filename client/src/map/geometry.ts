import type { Geometry, Position } from 'geojson';

function positions(geometry: Geometry): Position[] {
  const points: Position[] = [];
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') points.push(c as Position);
    else if (Array.isArray(c)) for (const x of c) walk(x);
  };
  walk((geometry as { coordinates?: unknown }).coordinates);
  return points;
}

/** The bounding box of a GeoJSON geometry as Leaflet bounds, [[south, west], [north, east]]; null when empty. */
export function boundsOf(geometry: Geometry): [[number, number], [number, number]] | null {
  const points = positions(geometry);
  if (points.length === 0) return null;
  const lngs = points.map((p) => p[0]!);
  const lats = points.map((p) => p[1]!);
  return [
    [Math.min(...lats), Math.min(...lngs)],
    [Math.max(...lats), Math.max(...lngs)],
  ];
}

/** Middle of a geometry's bounding box, [lat, lng]. */
export function centreOf(geometry: Geometry): [number, number] | null {
  const b = boundsOf(geometry);
  return b ? [(b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2] : null;
}
