import type { EntityManager } from '@mikro-orm/postgresql';
import { queryOne, sql, unionOf } from '../db/sql.js';
import { badInput, checkId, notFound } from '../graphql/errors.js';
import type { BBoxInput } from '../graphql/geo-inputs.js';
import { checkPolygonal } from '../shared/geometry-validation.js';

export interface AreaInput {
  bbox?: BBoxInput | null;
  within?: unknown;
  zoneId?: string | null;
}

/**
 * The area an analysis covers, as GeoJSON in WGS84: a box, a drawn polygon, a zone, or —
 * when none is given — the whole command area (the union of all patrol zones).
 */
export async function resolveArea(em: EntityManager, input: AreaInput, field = 'input'): Promise<string> {
  const given = [input.bbox, input.within, input.zoneId].filter((v) => v !== undefined && v !== null).length;
  if (given > 1) throw badInput(field, 'give one area at most: bbox, within or zoneId');
  if (input.bbox) {
    const { west: w, south: s, east: e, north: n } = input.bbox;
    if (w >= e) throw badInput(`${field}.bbox`, `west (${w}) must be less than east (${e})`);
    if (s >= n) throw badInput(`${field}.bbox`, `south (${s}) must be less than north (${n})`);
    return JSON.stringify({
      type: 'Polygon',
      coordinates: [
        [
          [w, s],
          [e, s],
          [e, n],
          [w, n],
          [w, s],
        ],
      ],
    });
  }
  if (input.within) return JSON.stringify(await checkPolygonal(em, `${field}.within`, input.within));
  const row = await queryOne<{ area: string | null }>(
    em,
    input.zoneId
      ? sql`select ST_AsGeoJSON(boundary) as area from patrol_zones where id = ${checkId(`${field}.zoneId`, input.zoneId)}`
      : sql`select ST_AsGeoJSON(${unionOf(sql`boundary`)}) as area from patrol_zones`,
  );
  if (!row?.area) {
    if (input.zoneId) throw notFound('Zone', input.zoneId);
    throw badInput(field, 'there are no patrol zones to analyse: give a bbox or a polygon');
  }
  return row.area;
}
