import type { EntityManager } from '@mikro-orm/postgresql';
import type { MultiPolygon } from '../db/geometry.js';
import { geoJson, query, sql } from '../db/sql.js';

/**
 * The borough a drawn zone lies in, from geometry: the borough of the ward zones it overlaps
 * most (by area; degrees² compare fairly within one small area). Null when it overlaps no
 * ward zone (e.g. every ward zone was redrawn away).
 */
export async function boroughOf(em: EntityManager, boundary: MultiPolygon): Promise<string | null> {
  const [row] = await query<{ borough: string }>(
    em,
    sql`select z.borough
     from patrol_zones z, (select ${geoJson(boundary)} as g) d
     where z.gss_code is not null and z.borough is not null and ST_Intersects(z.boundary, d.g)
     group by z.borough
     order by sum(ST_Area(ST_Intersection(z.boundary, d.g))) desc
     limit 1`,
  );
  return row?.borough ?? null;
}
