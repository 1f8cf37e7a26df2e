import type { EntityManager } from '@mikro-orm/postgresql';
import { query, type Sql, sql } from '../db/sql.js';
import { badInput } from '../graphql/errors.js';
import { GAZETTEER } from './gazetteer.js';

export type PlaceKind = 'PLACE' | 'WARD' | 'ZONE' | 'SITE' | 'STREET';

export interface FoundPlace {
  kind: PlaceKind;
  name: string;
  /** What it is, in words: "Neighbourhood, Camden", "Ward, Islington", "Street, 12 incidents". */
  detail: string;
  longitude: number;
  latitude: number;
  /** The extent to fit the map to, for areas (wards and zones); points get a street-level view. */
  bbox: { west: number; south: number; east: number; north: number } | null;
  /** The site or zone found, for the dashboard to open. */
  id: string | null;
}

export const MAX_RESULTS = 20;

/** How well a name matches: 0 the whole name, 1 its start, 2 the start of a word in it, 3 anywhere; null not at all. */
export function matchRank(name: string, term: string): number | null {
  const n = fold(name);
  const t = fold(term);
  if (n === t) return 0;
  if (n.startsWith(t)) return 1;
  if (n.includes(` ${t}`)) return 2;
  if (n.includes(t)) return 3;
  return null;
}

/** Case, accents, apostrophes and full stops ("St. Peter's", "st peters") do not matter to a search. */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[’']/g, '').replace(/\./g, '').replace(/\s+/g, ' ').trim().toLowerCase();
}

/** A LIKE pattern matching `term` anywhere, with LIKE's own characters escaped. */
const likeAnywhere = (term: string) => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

const KIND_ORDER: Record<PlaceKind, number> = { PLACE: 0, WARD: 1, ZONE: 2, SITE: 3, STREET: 4 };

/**
 * Finds places by name in the command area: the gazetteer of named places, wards and
 * other patrol zones, sites on the list, and streets from the police.uk location labels.
 * Best matches first (whole name, then its start, then a word's start), then by kind.
 */
export async function searchPlaces(em: EntityManager, search: string, limit: number): Promise<FoundPlace[]> {
  const term = search.trim();
  if (term.length < 2) throw badInput('search', 'give at least 2 characters');
  if (term.length > 100) throw badInput('search', 'is longer than 100 characters');
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RESULTS)
    throw badInput('first', `must be a whole number from 1 to ${MAX_RESULTS}`);
  // "st peters" finds "St. Peter's": the database compares with full stops and apostrophes taken out of both.
  const pattern = likeAnywhere(fold(term));
  const folded = (column: Sql) => sql`translate(lower(${column}), '.''’', '')`;

  const found: FoundPlace[] = GAZETTEER.filter((p) => matchRank(p.name, term) !== null).map((p) => ({
    kind: 'PLACE',
    name: p.name,
    detail: `${p.what}, ${p.borough}`,
    longitude: p.at[0],
    latitude: p.at[1],
    bbox: null,
    id: null,
  }));

  const zones = await query<{
    id: string;
    name: string;
    borough: string | null;
    ward: boolean;
    lon: number;
    lat: number;
    w: number;
    s: number;
    e: number;
    n: number;
  }>(
    em,
    sql`select z.id, z.name, z.borough, z.gss_code is not null as ward,
            ST_X(c) as lon, ST_Y(c) as lat, ST_XMin(z.boundary) as w, ST_YMin(z.boundary) as s, ST_XMax(z.boundary) as e, ST_YMax(z.boundary) as n
     from patrol_zones z, lateral (select ST_PointOnSurface(z.boundary) as c) p
     where ${folded(sql`z.name`)} like ${pattern} order by z.name limit 50`,
  );
  for (const z of zones) {
    found.push({
      kind: z.ward ? 'WARD' : 'ZONE',
      name: z.name,
      detail: `${z.ward ? 'Ward' : 'Patrol zone'}${z.borough ? `, ${z.borough}` : ''}`,
      longitude: z.lon,
      latitude: z.lat,
      bbox: { west: z.w, south: z.s, east: z.e, north: z.n },
      id: z.id,
    });
  }

  const sites = await query<{ id: string; name: string; kind: string; lon: number; lat: number }>(
    em,
    sql`select s.id, s.name, s.kind::text as kind, ST_X(s.location) as lon, ST_Y(s.location) as lat
     from sites s where s.archived_at is null and ${folded(sql`s.name`)} like ${pattern} order by s.name limit 50`,
  );
  for (const s of sites) {
    const kind = s.kind.toLowerCase().replace('_', ' ');
    found.push({
      kind: 'SITE',
      name: s.name,
      detail: `Site: ${kind.charAt(0).toUpperCase()}${kind.slice(1)}`,
      longitude: s.lon,
      latitude: s.lat,
      bbox: null,
      id: s.id,
    });
  }

  const streets = await query<{ name: string; incidents: number; lon: number; lat: number }>(
    em,
    sql`select name, incidents, sum_lon / incidents as lon, sum_lat / incidents as lat
     from street_places where ${folded(sql`name`)} like ${pattern} order by incidents desc, name limit 50`,
  );
  for (const s of streets) {
    found.push({
      kind: 'STREET',
      name: s.name,
      detail: `Street (police.uk location), ${s.incidents.toLocaleString('en-GB')} incident${s.incidents === 1 ? '' : 's'}`,
      longitude: s.lon,
      latitude: s.lat,
      bbox: null,
      id: null,
    });
  }

  return found
    .map((place, order) => ({ place, order, rank: matchRank(place.name, term) ?? 4 }))
    .sort((a, b) => a.rank - b.rank || KIND_ORDER[a.place.kind] - KIND_ORDER[b.place.kind] || a.order - b.order)
    .slice(0, limit)
    .map((x) => x.place);
}
