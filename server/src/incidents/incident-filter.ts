import type { EntityManager } from '@mikro-orm/postgresql';
import type { MultiPolygon, Polygon } from '../db/geometry.js';
import { geoJson, identifier, join, queryOne, type Sql, sql, unionOf } from '../db/sql.js';
import { badInput, checkId, notFound } from '../graphql/errors.js';
import { checkPolygonal } from '../shared/geometry-validation.js';
import { CRIME_CATEGORIES, type CrimeCategory, checkCategories } from './categories.js';
import type { HateCrimeFlag } from './incident.entity.js';
import { DarknessFilter, type IncidentFilter } from './incident.inputs.js';

/**
 * The one incident filter: every figure that counts incidents (the incident list, the
 * category menu, hot-spot maps and their accuracy, the before/after trend, a zone preview,
 * the hot-spot dosage of coverage) checks its IncidentFilter here, into an AppliedFilter,
 * and turns that into SQL with `filterSql`, so two figures made from the same filter count
 * the same incidents, and each can say which filter made it.
 */

export enum FilterArea {
  ANYWHERE = 'ANYWHERE',
  BBOX = 'BBOX',
  POLYGON = 'POLYGON',
  ZONE = 'ZONE',
  COMMAND_AREA = 'COMMAND_AREA',
}

export interface Box {
  west: number;
  south: number;
  east: number;
  north: number;
}

/** A checked filter with its defaults filled in (the GraphQL AppliedFilter, less the description). */
export interface FilterValues {
  categories: CrimeCategory[] | null;
  hateCrime: boolean | null;
  hateCrimeFlags: HateCrimeFlag[] | null;
  darkness: DarknessFilter;
  from: Date | null;
  to: Date | null;
  area: FilterArea;
  bbox: Box | null;
  within: Polygon | MultiPolygon | null;
  zoneId: string | null;
  commandArea: boolean | null;
  /** For the description only. */
  zoneName: string | null;
}

export interface AppliedFilter extends FilterValues {
  description: string;
}

/** What an operation allows of a filter. */
export interface FilterRules {
  /** Error path of the filter, e.g. `filter` or `input.filter`. */
  field: string;
  /** `required`: the operation needs a window; `forbidden`: it sets the window itself. Default optional. */
  window?: 'optional' | 'required' | 'forbidden';
  /** Longest window, in days. */
  maxDays?: number;
  /** `forbidden`: the operation sets the area itself. Default optional. */
  area?: 'optional' | 'forbidden';
  /** What no area means: anywhere (lists, the default) or the command area (grids, which need a bounded area). */
  defaultArea?: 'anywhere' | 'commandArea';
  /** Why a forbidden part is forbidden, for the error message. */
  reason?: string;
}

const DAY_MS = 86_400_000;

/**
 * Checks a filter field by field (errors name `rules.field`.<part>) and fills in its defaults.
 * The zone is looked up (so a missing one is NOT_FOUND, not an empty figure) and a drawn
 * polygon is checked by PostGIS.
 */
export async function applyFilter(
  em: EntityManager,
  filter: IncidentFilter | null | undefined,
  rules: FilterRules,
): Promise<AppliedFilter> {
  const f = filter ?? {};
  const at = (part: string) => `${rules.field}.${part}`;
  const given = <T>(v: T | null | undefined): v is T => v !== undefined && v !== null;

  const window = rules.window ?? 'optional';
  if (window === 'forbidden') {
    for (const part of ['from', 'to'] as const)
      if (given(f[part])) throw badInput(at(part), `leave the window out: ${rules.reason ?? 'this operation sets it'}`);
  }
  if (window === 'required') {
    for (const part of ['from', 'to'] as const) if (!given(f[part])) throw badInput(at(part), 'is required: this figure needs a window');
  }
  const from = given(f.from) ? f.from : null;
  const to = given(f.to) ? f.to : null;
  if (from && Number.isNaN(from.getTime())) throw badInput(at('from'), 'is not a time');
  if (to && Number.isNaN(to.getTime())) throw badInput(at('to'), 'is not a time');
  if (from && to && from.getTime() >= to.getTime())
    throw badInput(at('from'), `must be before ${at('to')} (${from.toISOString()} is not before ${to.toISOString()})`);
  if (rules.maxDays && from && to && to.getTime() - from.getTime() > rules.maxDays * DAY_MS)
    throw badInput(at('to'), `the window spans at most ${rules.maxDays} days`);

  let categories: CrimeCategory[] | null = null;
  if (f.categories?.length) {
    checkCategories(at('categories'), f.categories);
    categories = [...new Set(f.categories)] as CrimeCategory[];
  }
  const hateCrimeFlags = f.hateCrimeFlags?.length ? [...new Set(f.hateCrimeFlags)] : null;
  const darkness = f.darkness ?? DarknessFilter.ANY;

  const areas = (['bbox', 'within', 'zoneId', 'commandArea'] as const).filter((k) =>
    k === 'commandArea' ? f.commandArea === true : given(f[k]),
  );
  if (areas.length > 0 && rules.area === 'forbidden')
    throw badInput(at(areas[0]!), `leave the area out: ${rules.reason ?? 'this operation sets it'}`);
  if (areas.length > 1) throw badInput(rules.field, `give one area at most (got ${areas.join(', ')})`);

  const values: FilterValues = {
    categories,
    hateCrime: given(f.hateCrime) ? f.hateCrime : null,
    hateCrimeFlags,
    darkness,
    from,
    to,
    area: FilterArea.ANYWHERE,
    bbox: null,
    within: null,
    zoneId: null,
    commandArea: null,
    zoneName: null,
  };
  if (f.bbox) {
    const { west, south, east, north } = f.bbox;
    if (!(west < east)) throw badInput(at('bbox'), `west (${west}) must be less than east (${east})`);
    if (!(south < north)) throw badInput(at('bbox'), `south (${south}) must be less than north (${north})`);
    values.area = FilterArea.BBOX;
    values.bbox = { west, south, east, north };
  } else if (given(f.within)) {
    values.area = FilterArea.POLYGON;
    values.within = await checkPolygonal(em, at('within'), f.within);
  } else if (given(f.zoneId)) {
    const id = checkId(at('zoneId'), f.zoneId);
    const zone = await queryOne<{ name: string }>(em, sql`select name from patrol_zones where id = ${id}`);
    if (!zone) throw notFound('Zone', f.zoneId);
    values.area = FilterArea.ZONE;
    values.zoneId = id;
    values.zoneName = zone.name;
  } else if (f.commandArea === true || rules.defaultArea === 'commandArea') {
    values.area = FilterArea.COMMAND_AREA;
    values.commandArea = true;
  }
  return withDescription(values);
}

/** The same filter with some parts replaced (an operation's own window or area), described anew. */
export function refine(filter: AppliedFilter, changes: Partial<FilterValues>): AppliedFilter {
  const { description: _, ...values } = filter;
  const next = { ...values, ...changes };
  // A new area replaces the old one whole.
  if (changes.area !== undefined) {
    next.bbox = changes.bbox ?? null;
    next.within = changes.within ?? null;
    next.zoneId = changes.zoneId ?? null;
    next.zoneName = changes.zoneName ?? null;
    next.commandArea = changes.area === FilterArea.COMMAND_AREA ? true : null;
  }
  return withDescription(next);
}

/** A drawn polygon as a filter area. */
export const polygonArea = (within: Polygon | MultiPolygon): Partial<FilterValues> => ({ area: FilterArea.POLYGON, within });
export const commandArea: Partial<FilterValues> = { area: FilterArea.COMMAND_AREA };

/**
 * The study area: the filter's area as a WGS84 geometry expression, or null for anywhere.
 * The same expression for every operation, so a grid over a zone and the incident list of
 * the zone test the very same boundary (not a GeoJSON copy of it, rounded to 9 decimals).
 */
export function areaSql(f: FilterValues): Sql | null {
  return studyArea(f);
}

function studyArea(f: FilterValues): Sql | null {
  switch (f.area) {
    case FilterArea.BBOX: {
      const b = f.bbox!;
      return sql`ST_MakeEnvelope(${b.west}::float8, ${b.south}::float8, ${b.east}::float8, ${b.north}::float8, 4326)`;
    }
    case FilterArea.POLYGON:
      return geoJson(f.within!);
    case FilterArea.ZONE:
      return sql`(select z.boundary from patrol_zones z where z.id = ${f.zoneId}::uuid)`;
    case FilterArea.COMMAND_AREA:
      return sql`(select ${unionOf(sql`z.boundary`)} from patrol_zones z)`;
    default:
      return null;
  }
}

/**
 * An incident's point in the metric projection: the stored British National Grid column
 * (generated from `location`, and indexed), never a transform per row.
 */
export const metricPoint = (alias = 'i'): Sql => sql`${identifier(alias)}.location_bng`;

interface FilterSqlOptions {
  /** false: leave the area out, for statements that test it against a geometry built from `areaSql`. */
  area?: boolean;
}

/**
 * The incident conditions of a filter (joined with `and`; `true` when there are none), the
 * incidents aliased `alias`. ST_Intersects, not `&&`: a point on the boundary counts,
 * exactly as PostGIS says, and the GiST index on location is used.
 */
export function filterSql(f: FilterValues, alias = 'i', { area = true }: FilterSqlOptions = {}): Sql {
  const i = identifier(alias);
  const c: Sql[] = [];
  if (f.from) c.push(sql`${i}.occurred_at >= ${f.from}::timestamptz`);
  if (f.to) c.push(sql`${i}.occurred_at < ${f.to}::timestamptz`);
  if (f.categories) c.push(sql`${i}.category = any(${f.categories}::text[])`);
  if (f.darkness !== DarknessFilter.ANY) c.push(sql`${i}.darkness = ${f.darkness}::darkness`);
  if (f.hateCrime === true) c.push(sql`${i}.hate_crime_flags <> '{}'`);
  if (f.hateCrime === false) c.push(sql`${i}.hate_crime_flags = '{}'`);
  if (f.hateCrimeFlags) c.push(sql`${i}.hate_crime_flags && ${f.hateCrimeFlags}::text[]`);
  const geometry = area ? studyArea(f) : null;
  if (geometry) c.push(sql`ST_Intersects(${i}.location, ${geometry})`);
  return c.length ? join(c, ' and ') : sql`true`;
}

const FLAG_WORDS: Record<string, string> = {
  ANTISEMITIC: 'antisemitic',
  ANTI_MUSLIM: 'anti-Muslim',
  RACIST: 'racist',
  HOMOPHOBIC: 'homophobic',
  TRANSPHOBIC: 'transphobic',
  DISABILITY: 'against disabled people',
  FAITH_OTHER: 'against another faith',
};

const london = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const when = (t: Date) => london.format(t).replace(',', '');

/** The filter in words, London time: what a legend or panel shows beside the figure. */
export function describe(f: FilterValues): string {
  const parts: string[] = [];
  const cats = f.categories?.map((c) => CRIME_CATEGORIES[c]) ?? [];
  parts.push(cats.length === 0 ? 'All categories' : cats.length <= 3 ? cats.join(', ') : `${cats.length} categories`);
  if (f.hateCrime === true) parts.push('hate crime only');
  if (f.hateCrime === false) parts.push('no hate crime');
  if (f.hateCrimeFlags) parts.push(`flagged ${f.hateCrimeFlags.map((x) => FLAG_WORDS[x] ?? x.toLowerCase()).join(' or ')}`);
  if (f.darkness === DarknessFilter.DARK) parts.push('after dark');
  if (f.darkness === DarknessFilter.LIGHT) parts.push('in daylight');
  if (f.darkness === DarknessFilter.UNKNOWN) parts.push('time of day unknown');
  if (f.area === FilterArea.BBOX) {
    const b = f.bbox!;
    parts.push(`in the box ${b.west}, ${b.south} to ${b.east}, ${b.north}`);
  }
  if (f.area === FilterArea.POLYGON) parts.push('in the drawn area');
  if (f.area === FilterArea.ZONE) parts.push(`in zone ${f.zoneName ?? f.zoneId}`);
  if (f.area === FilterArea.COMMAND_AREA) parts.push('in the command area');
  if (f.from && f.to) parts.push(`${when(f.from)} to ${when(f.to)}`);
  else if (f.from) parts.push(`since ${when(f.from)}`);
  else if (f.to) parts.push(`before ${when(f.to)}`);
  return parts.join(', ');
}

function withDescription(values: FilterValues): AppliedFilter {
  return { ...values, description: describe(values) };
}
