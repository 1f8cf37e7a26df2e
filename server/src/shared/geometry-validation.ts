import type { EntityManager } from '@mikro-orm/postgresql';
import type { MultiPolygon, Point, Polygon } from '../db/geometry.js';
import { query, sql } from '../db/sql.js';
import { badInput } from '../graphql/errors.js';

/** Above this many vertices a zone is refused: a ward has a few hundred; 200,000 is an attack. */
export const MAX_VERTICES = 20_000;

/**
 * A longitude or latitude to seven decimals (about 1 cm): what a line read back from
 * PostGIS gives exactly, where a computed point has all of a double's digits.
 */
export const sevenDecimals = (degrees: number) => Math.round(degrees * 1e7) / 1e7;

type Position = [number, number];

/**
 * Positions are [longitude, latitude]; an altitude (RFC 7946 allows a third value, GPS
 * exports carry one) is accepted and dropped, the same way for every geometry of every
 * operation, since every column is two-dimensional. A fourth value is not GeoJSON.
 */
function checkPosition(field: string, value: unknown): asserts value is Position {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) {
    throw badInput(field, 'a position must be [longitude, latitude] (an altitude may follow, and is dropped)');
  }
  const [lon, lat] = value as unknown[];
  if (typeof lon !== 'number' || !Number.isFinite(lon) || typeof lat !== 'number' || !Number.isFinite(lat)) {
    throw badInput(field, 'longitude and latitude must be finite numbers');
  }
  if (lon < -180 || lon > 180) throw badInput(field, `longitude ${lon} is outside -180..180`);
  if (lat < -90 || lat > 90) throw badInput(field, `latitude ${lat} is outside -90..90`);
}

/** A GeoJSON Point with a valid WGS84 position. */
export function checkPoint(field: string, value: unknown): Point {
  const g = value as { type?: unknown; coordinates?: unknown; crs?: unknown };
  if (g?.type !== 'Point') throw badInput(field, `must be a GeoJSON Point (got ${String(g?.type)})`);
  if (g.crs !== undefined) throw badInput(field, 'must be in WGS84 (RFC 7946 has no "crs" member)');
  checkPosition(`${field}.coordinates`, g.coordinates);
  return { type: 'Point', coordinates: [g.coordinates[0], g.coordinates[1]] };
}

/** The rings of a polygon, checked, as two-dimensional positions. */
function checkRings(field: string, rings: unknown, count: { vertices: number }): Position[][] {
  if (!Array.isArray(rings) || rings.length === 0) throw badInput(field, 'a polygon needs at least one ring');
  return rings.map((ring, r) => {
    const ringField = `${field}[${r}]`;
    if (!Array.isArray(ring) || ring.length < 4) throw badInput(ringField, 'a ring needs at least 4 positions (closed)');
    count.vertices += ring.length;
    if (count.vertices > MAX_VERTICES) throw badInput(field, `has more than ${MAX_VERTICES} vertices`);
    for (const [i, position] of ring.entries()) checkPosition(`${ringField}[${i}]`, position);
    const first = ring[0] as Position;
    const last = ring.at(-1) as Position;
    if (first[0] !== last[0] || first[1] !== last[1]) throw badInput(ringField, 'a ring must end where it starts');
    return (ring as Position[]).map(([lon, lat]) => [lon, lat] as Position);
  });
}

/**
 * A GeoJSON Polygon or MultiPolygon, checked in two steps: shape, ranges and size in
 * JavaScript (cheap, before anything reaches the database), then validity by PostGIS
 * (ST_IsValid), whose ST_IsValidReason names the problem, e.g. "Self-intersection[…]".
 */
export async function checkPolygonal(em: EntityManager, field: string, value: unknown): Promise<Polygon | MultiPolygon> {
  const g = value as { type?: unknown; coordinates?: unknown; crs?: unknown };
  if (g?.type !== 'Polygon' && g?.type !== 'MultiPolygon') {
    throw badInput(field, `must be a GeoJSON Polygon or MultiPolygon (got ${String(g?.type)})`);
  }
  if (g.crs !== undefined) throw badInput(field, 'must be in WGS84 (RFC 7946 has no "crs" member)');
  const count = { vertices: 0 };
  let coordinates: Position[][] | Position[][][];
  if (g.type === 'Polygon') coordinates = checkRings(`${field}.coordinates`, g.coordinates, count);
  else {
    if (!Array.isArray(g.coordinates) || g.coordinates.length === 0)
      throw badInput(`${field}.coordinates`, 'a MultiPolygon needs at least one polygon');
    coordinates = g.coordinates.map((polygon, i) => checkRings(`${field}.coordinates[${i}]`, polygon, count));
  }
  const shape = { type: g.type, coordinates } as Polygon | MultiPolygon;
  const [row] = await query<{ valid: boolean; reason: string }>(
    em,
    sql`select ST_IsValid(g) as valid, ST_IsValidReason(g) as reason from ST_GeomFromGeoJSON(${JSON.stringify(shape)}::text) as g`,
  );
  if (!row?.valid) throw badInput(field, `is not a valid polygon: ${row?.reason ?? 'unknown reason'}`);
  return shape;
}

/** A window at most `days` long (e.g. the retention period); the error names `from`, the end to move. */
export function checkWindowSpan(from: Date, to: Date, days: number, names = ['from', 'to']): void {
  if (to.getTime() - from.getTime() > days * 86_400_000) {
    throw badInput(names[0]!, `is more than ${days} days before ${names[1]}: a window spans at most ${days} days`);
  }
}

/** A time window: `from` must come before `to`. */
export function checkWindow(from: Date | undefined | null, to: Date | undefined | null, names = ['from', 'to']): void {
  if (from && to && from.getTime() >= to.getTime()) {
    throw badInput(names[0]!, `must be before ${names[1]} (${from.toISOString()} is not before ${to.toISOString()})`);
  }
}
