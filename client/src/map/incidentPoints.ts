import type { DashboardIncidentPointsQuery } from '@vigil/schema';

type Columns = DashboardIncidentPointsQuery['incidentPoints'];

export type Darkness = 'DARK' | 'LIGHT' | 'UNKNOWN';
const DARKNESS: Darkness[] = ['UNKNOWN', 'DARK', 'LIGHT'];

/**
 * The incidents of the points layer, decoded from the API's packed columns
 * (server/src/mapdata/incident-points.ts) into typed arrays, with each point's Web Mercator
 * position at zoom 0 worked out once, so drawing is arithmetic and no object per incident exists.
 */
export interface IncidentPoints {
  count: number;
  totalCount: number;
  /** Web Mercator x and y of each point, 0–1 across the world (Leaflet's projection at zoom 0, ÷ 256). */
  x: Float64Array;
  y: Float64Array;
  longitude: Float32Array;
  latitude: Float32Array;
  /** Seconds since 1970. */
  occurredAt: Int32Array;
  category: Uint8Array;
  /** Bits 0–1 darkness (0 unknown, 1 dark, 2 light), bit 2 month precision, bit 3 hate crime. */
  flags: Uint8Array;
  location: Int32Array;
  categories: readonly string[];
  locationNames: readonly string[];
}

function bytes(base64: string): DataView {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let k = 0; k < text.length; k++) out[k] = text.charCodeAt(k);
  return new DataView(out.buffer);
}

export function decodePoints(columns: Columns): IncidentPoints {
  const n = columns.count;
  const [lon, lat, at, cat, flags, loc] = [
    columns.longitudes,
    columns.latitudes,
    columns.occurredAt,
    columns.categoryIndex,
    columns.flags,
    columns.locationIndex,
  ].map(bytes);
  const points: IncidentPoints = {
    count: n,
    totalCount: columns.totalCount,
    x: new Float64Array(n),
    y: new Float64Array(n),
    longitude: new Float32Array(n),
    latitude: new Float32Array(n),
    occurredAt: new Int32Array(n),
    category: new Uint8Array(n),
    flags: new Uint8Array(n),
    location: new Int32Array(n),
    categories: columns.categories,
    locationNames: columns.locationNames,
  };
  for (let k = 0; k < n; k++) {
    // The columns are big-endian (PostgreSQL's send functions).
    const lng = lon!.getFloat32(4 * k);
    const φ = lat!.getFloat32(4 * k);
    points.longitude[k] = lng;
    points.latitude[k] = φ;
    points.x[k] = (lng + 180) / 360;
    const sin = Math.sin((φ * Math.PI) / 180);
    points.y[k] = 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI);
    points.occurredAt[k] = at!.getInt32(4 * k);
    points.category[k] = cat!.getUint8(k);
    points.flags[k] = flags!.getUint8(k);
    points.location[k] = loc!.getInt32(4 * k);
  }
  return points;
}

export const darknessOf = (points: IncidentPoints, k: number): Darkness => DARKNESS[points.flags[k]! & 0b11]!;
export const isHateCrime = (points: IncidentPoints, k: number) => (points.flags[k]! & 0b1000) !== 0;
export const isMonthOnly = (points: IncidentPoints, k: number) => (points.flags[k]! & 0b100) !== 0;
export const locationOf = (points: IncidentPoints, k: number): string | null => {
  const i = points.location[k]!;
  return i === 0 ? null : (points.locationNames[i - 1] ?? null);
};
