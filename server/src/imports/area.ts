import type { EntityManager } from '@mikro-orm/postgresql';
import { loadWards } from '@vigil/seeds';
import { query, sql } from '../db/sql.js';

/** [west, south, east, north] in WGS84 degrees. */
export type BBox = [number, number, number, number];

/** Points this far outside the patrol area still count as in it (police.uk snap points sit on boundary streets). */
export const AREA_MARGIN_METRES = 1000;

function widen([w, s, e, n]: BBox, metres: number): BBox {
  const dLat = metres / 111_320;
  const dLon = metres / (111_320 * Math.cos((((s + n) / 2) * Math.PI) / 180));
  return [w - dLon, s - dLat, e + dLon, n + dLat];
}

/**
 * The area imports accept points in: the extent of the patrol zones (the two boroughs'
 * wards in the demo) with a 1 km margin. With no zones yet, the Camden and Islington ward
 * boundaries stand in.
 */
export async function importArea(em: EntityManager): Promise<BBox> {
  const [row] = await query<{ w: number | null; s: number; e: number; n: number }>(
    em,
    sql`select ST_XMin(x) as w, ST_YMin(x) as s, ST_XMax(x) as e, ST_YMax(x) as n from (select ST_Extent(boundary) as x from patrol_zones) t`,
  );
  if (row && row.w !== null) return widen([row.w, row.s, row.e, row.n], AREA_MARGIN_METRES);
  const bbox: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  for (const ward of loadWards())
    for (const polygon of ward.boundary.coordinates)
      for (const ring of polygon)
        for (const [x, y] of ring) {
          bbox[0] = Math.min(bbox[0], x);
          bbox[1] = Math.min(bbox[1], y);
          bbox[2] = Math.max(bbox[2], x);
          bbox[3] = Math.max(bbox[3], y);
        }
  return widen(bbox, AREA_MARGIN_METRES);
}

export function inBBox([w, s, e, n]: BBox, longitude: number, latitude: number): boolean {
  return longitude >= w && longitude <= e && latitude >= s && latitude <= n;
}
