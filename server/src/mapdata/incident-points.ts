import type { EntityManager } from '@mikro-orm/postgresql';
import { query, type Sql, sql } from '../db/sql.js';
import { badInput } from '../graphql/errors.js';
import { CATEGORY_SLUGS } from '../incidents/categories.js';
import type { IncidentFilter } from '../incidents/incident.inputs.js';
import { type AppliedFilter, applyFilter, filterSql } from '../incidents/incident-filter.js';

/** The most points one answer carries: about 1.8 MB of base64 at 18 bytes a point. */
export const MAX_POINTS = 100_000;
export const DEFAULT_POINTS = 50_000;

/**
 * Bits of the `flags` column, one byte per incident: darkness in the low two bits
 * (0 unknown, 1 dark, 2 light), then month precision, then hate crime.
 */
export const FLAG_BITS = { darkMask: 0b11, unknown: 0, dark: 1, light: 2, monthPrecision: 0b100, hateCrime: 0b1000 } as const;

export interface IncidentPointColumns {
  filter: AppliedFilter;
  totalCount: number;
  count: number;
  longitudes: string;
  latitudes: string;
  occurredAt: string;
  categoryIndex: string;
  flags: string;
  locationIndex: string;
  locationNames: string[];
}

/**
 * The incidents a map draws, newest first, as columns rather than rows: one base64 string
 * per attribute, each a packed big-endian array (PostgreSQL's `float4send`/`int4send`
 * byte order), built by PostgreSQL in one statement. A page of GeoJSON rows costs about
 * 250 bytes and a dozen JSON values per incident; a column costs 18 bytes and no parsing,
 * so the dashboard takes a whole month of a borough in one request.
 *
 * Every column is aggregated in the same order (newest first, then by id), so entry k of
 * each column is the same incident. The filter is the one every figure uses (one window
 * required); without an area, the command area (the union of the patrol zones): the map
 * has nothing to draw outside it.
 */
export async function incidentPoints(em: EntityManager, filter: IncidentFilter, limit: number): Promise<IncidentPointColumns> {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_POINTS)
    throw badInput('limit', `must be a whole number from 1 to ${MAX_POINTS}`);
  const applied = await applyFilter(em, filter, { field: 'filter', window: 'required', defaultArea: 'commandArea' });
  // base64 without the line breaks PostgreSQL puts every 76 characters.
  const b64 = (bytes: Sql) =>
    sql`coalesce(translate(encode(string_agg(${bytes}, ''::bytea order by occurred_at desc, id), 'base64'), E'\\n', ''), '')`;
  const [row] = await query<{
    total: number | null;
    n: number;
    lon: string;
    lat: string;
    at: string;
    cat: string;
    flags: string;
    loc: string;
    names: string[] | null;
  }>(
    em,
    sql`with chosen as (
          select i.id, i.location, i.occurred_at, i.category, i.darkness, i.occurred_precision, i.hate_crime_flags, i.location_name,
                 count(*) over () as total
          from incidents i
          where ${filterSql(applied)}
          order by i.occurred_at desc, i.id
          limit ${limit}::int
        ), ranked as (
          select c.*, case when c.location_name is null then 0 else dense_rank() over (order by c.location_name) end as loc
          from chosen c
        )
        select max(total)::int as total, count(*)::int as n,
               ${b64(sql`float4send(ST_X(location)::float4)`)} as lon,
               ${b64(sql`float4send(ST_Y(location)::float4)`)} as lat,
               ${b64(sql`int4send(floor(extract(epoch from occurred_at))::int)`)} as at,
               ${b64(sql`substring(int4send(coalesce(array_position(${CATEGORY_SLUGS}::text[], category), 0) - 1) from 4 for 1)`)} as cat,
               ${b64(
                 sql`substring(int4send((case darkness::text when 'DARK' then ${FLAG_BITS.dark}::int when 'LIGHT' then ${FLAG_BITS.light}::int else ${FLAG_BITS.unknown}::int end)
                    | (case when occurred_precision::text = 'MONTH' then ${FLAG_BITS.monthPrecision}::int else 0 end)
                    | (case when hate_crime_flags <> '{}' then ${FLAG_BITS.hateCrime}::int else 0 end)) from 4 for 1)`,
               )} as flags,
               ${b64(sql`int4send(loc::int)`)} as loc,
               (select array_agg(distinct r.location_name order by r.location_name) from ranked r where r.location_name is not null) as names
        from ranked`,
  );
  return {
    filter: applied,
    totalCount: row?.total ?? 0,
    count: row?.n ?? 0,
    longitudes: row?.lon ?? '',
    latitudes: row?.lat ?? '',
    occurredAt: row?.at ?? '',
    categoryIndex: row?.cat ?? '',
    flags: row?.flags ?? '',
    locationIndex: row?.loc ?? '',
    locationNames: row?.names ?? [],
  };
}
