import type { EntityManager, QueryBuilder } from '@mikro-orm/postgresql';
import type { MultiPolygon, Polygon } from '../db/geometry.js';
import { condition, geoJson, type Sql, sql } from '../db/sql.js';
import { badInput, checkId, notFound } from '../graphql/errors.js';
import type { BBoxInput } from '../graphql/geo-inputs.js';
import { PatrolZone } from '../zones/patrol-zone.entity.js';

export interface SpatialConditions {
  bbox?: BBoxInput | null;
  /** Already validated. */
  within?: Polygon | MultiPolygon | null;
  zoneId?: string | null;
}

/**
 * Adds the area conditions shared by every list: a bbox, a drawn polygon, or a zone.
 * ST_Intersects (not just the && box test) so a point on the boundary counts exactly as
 * PostGIS says; both use the column's GiST index.
 */
export async function spatialFilter<T extends object>(
  em: EntityManager,
  qb: QueryBuilder<T>,
  column: Sql,
  { bbox, within, zoneId }: SpatialConditions,
): Promise<void> {
  if (bbox) {
    if (bbox.west >= bbox.east) throw badInput('filter.bbox', `west (${bbox.west}) must be less than east (${bbox.east})`);
    if (bbox.south >= bbox.north) throw badInput('filter.bbox', `south (${bbox.south}) must be less than north (${bbox.north})`);
    qb.andWhere(
      ...condition(
        sql`ST_Intersects(${column}, ST_MakeEnvelope(${bbox.west}::float8, ${bbox.south}::float8, ${bbox.east}::float8, ${bbox.north}::float8, 4326))`,
      ),
    );
  }
  if (within) qb.andWhere(...condition(sql`ST_Intersects(${column}, ${geoJson(within)})`));
  if (zoneId) {
    if (!(await em.count(PatrolZone, { id: checkId('filter.zoneId', zoneId) }))) throw notFound('Zone', zoneId);
    qb.andWhere(...condition(sql`ST_Intersects(${column}, (select boundary from patrol_zones where id = ${zoneId}::uuid))`));
  }
}
