import type { EntityManager } from '@mikro-orm/postgresql';
import { empty, join, jsonKey, query, Sql, sql } from '../db/sql.js';
import { decodeCursor, encodeCursor, type PageInfo, pageSize } from '../graphql/connection.js';
import { badInput } from '../graphql/errors.js';
import type { PlainField } from '../graphql/selection.js';
import { checkPoint } from '../shared/geometry-validation.js';
import { CATEGORY_SLUGS, type CrimeCategory, checkCategories } from './categories.js';
import { darknessOf } from './darkness.js';
import { type Darkness, type HateCrimeFlag, Incident, TimePrecision } from './incident.entity.js';
import type { IncidentFilter, IncidentInput } from './incident.inputs.js';
import { type AppliedFilter, applyFilter, FilterArea, type FilterValues, filterSql, refine } from './incident-filter.js';

/** Bulk imports through the API are capped per call; bigger files go through `vigil import`. */
export const MAX_IMPORT_BATCH = 5000;

/**
 * The incident list counts its incidents up to this many and then says "at least" (the
 * connection's totalCountIsExact): counting every incident of a large area costs as much
 * as reading them all, for a figure a list shows as "5,000+" anyway.
 */
export const COUNT_BOUND = 5000;

/**
 * The conditions choosing a filter's incidents, aliased `i`. A box is tested as "the point
 * lies in the box" on PostgreSQL's `point` type: for points the same incidents as the one
 * filter's ST_Intersects with the box (edges included: tests/api/incidents.test.ts), and
 * answered from incidents_point_idx alone (Migration20270104IncidentsPointIndex), where
 * ST_Intersects reads the row of every incident in the box.
 */
function chosen(f: FilterValues): Sql {
  const box = f.area === FilterArea.BBOX ? f.bbox : null;
  const rest = filterSql(f, 'i', { area: !box });
  if (!box) return rest;
  return sql`${rest} and point(ST_X(i.location), ST_Y(i.location))
    <@ box(point(${box.west}::float8, ${box.south}::float8), point(${box.east}::float8, ${box.north}::float8))`;
}

/**
 * Every police.uk category, in the fixed order, with the incidents the filter chooses in
 * it and the filter that counted them (the given one with just that category). The
 * filter's own categories are left out of the count, so a category menu can show what
 * each choice would add.
 */
export async function categoryCounts(
  em: EntityManager,
  filter: IncidentFilter = {},
): Promise<{ category: CrimeCategory; incidents: number; filter: AppliedFilter }[]> {
  const applied = await applyFilter(em, filter, { field: 'filter' });
  const all = refine(applied, { categories: null });
  const rows = await query<{ category: string; incidents: number }>(
    em,
    sql`select i.category, count(*)::int as incidents from incidents i where ${chosen(all)} group by i.category`,
  );
  const counts = new Map(rows.map((r) => [r.category, Number(r.incidents)]));
  return CATEGORY_SLUGS.map((category) => ({
    category,
    incidents: counts.get(category) ?? 0,
    filter: refine(all, { categories: [category] }),
  }));
}

/**
 * An incident of a listed page: its GraphQL fields as plain data, straight from the row.
 * Not an entity: hydrating 500 entities (and merging them into the identity map) took most
 * of the server's time for a page, and nothing would flush them.
 */
export interface IncidentView {
  id: string;
  sourceRef: string | null;
  category: string;
  hateCrimeFlags: HateCrimeFlag[];
  occurredAt: Date;
  occurredPrecision: TimePrecision;
  darkness: Darkness;
  location: { type: 'Point'; coordinates: [number, number] };
  latitude: number;
  longitude: number;
  description: string | null;
  source: string;
  locationName: string | null;
  recordedAt: Date;
}

/**
 * One incident of a page as PostgreSQL builds it: a JSON array, in this order. The page
 * comes back as one JSON value, which the driver reads with one JSON.parse, rather than as
 * 500 rows of 14 columns, each a string the driver cuts out and converts (a fifth of the
 * server's time for a page of 500). Times are epoch milliseconds: a Date is made from a
 * number without parsing text.
 */
type PageEntry = [
  id: string,
  sourceRef: string | null,
  category: string,
  hateCrimeFlags: HateCrimeFlag[],
  occurredAt: number,
  occurredPrecision: TimePrecision,
  darkness: Darkness,
  longitude: number,
  latitude: number,
  description: string | null,
  source: string,
  locationName: string | null,
  recordedAt: number,
  /** occurred_at with the microseconds it is stored with: a Date keeps milliseconds only, and the cursor must not round. */
  cursorAt: string,
];

/**
 * The statement of one page of the incident list: the filter's incidents counted up to
 * COUNT_BOUND + 1, and the newest `size + 1` of them after the cursor (one more than the
 * page, to know whether another follows), in one round trip and one row. The page is
 * chosen on (occurred_at, id) alone, which a box's index holds, and only its rows are
 * read. Exported for the bench, which runs it raw beside the API (tests/bench/bbox.ts).
 */
export function incidentPageSql(f: FilterValues, size: number, after: [occurredAt: string, id: string] | null): Sql {
  const where = chosen(f);
  const before = after ? sql`and (i.occurred_at, i.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : empty;
  return sql`
    with page as (
      select i.id, i.occurred_at from incidents i where ${where} ${before}
      order by i.occurred_at desc, i.id desc limit ${size + 1}
    )
    select (select count(*)::int from (select 1 from incidents i where ${where} limit ${COUNT_BOUND + 1}) c) as total,
           coalesce(json_agg(json_build_array(
             i.id, i.source_ref, i.category, i.hate_crime_flags, floor(extract(epoch from i.occurred_at) * 1000)::float8,
             i.occurred_precision, i.darkness, ST_X(i.location), ST_Y(i.location), i.description, i.source, i.location_name,
             floor(extract(epoch from i.recorded_at) * 1000)::float8,
             to_char(i.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
           ) order by p.occurred_at desc, p.id desc), '[]') as page
    from page p join incidents i on i.id = p.id`;
}

/**
 * Each leaf field of Incident as PostgreSQL writes it into JSON, the very value graphql-js
 * answers for it from a view (below): strings and enum names as strings, times as
 * toISOString writes them (milliseconds, UTC, truncated as a Date keeps them), degrees
 * as the shortest float8 text that reads back as the same number (JavaScript's rule too;
 * `+ 0` makes -0 the 0 JSON.stringify writes). tests/api/incident-json.test.ts holds every
 * field to graphql-js's answer for the same rows.
 */
const isoTime = (column: Sql) => sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const INCIDENT_JSON: Record<string, Sql> = {
  __typename: sql`'Incident'::text`,
  id: sql`i.id`,
  sourceRef: sql`i.source_ref`,
  category: sql`i.category`,
  hateCrimeFlags: sql`i.hate_crime_flags`,
  occurredAt: isoTime(sql`i.occurred_at`),
  occurredPrecision: sql`i.occurred_precision`,
  darkness: sql`i.darkness`,
  location: sql`json_build_object('type', 'Point', 'coordinates', json_build_array(ST_X(i.location) + 0, ST_Y(i.location) + 0))`,
  latitude: sql`ST_Y(i.location) + 0`,
  longitude: sql`ST_X(i.location) + 0`,
  description: sql`i.description`,
  source: sql`i.source`,
  locationName: sql`i.location_name`,
  recordedAt: isoTime(sql`i.recorded_at`),
};

/** The Incident fields a page's nodes can be written by PostgreSQL for (graphql/raw-json.ts). */
export const INCIDENT_JSON_FIELDS: ReadonlySet<string> = new Set(Object.keys(INCIDENT_JSON).filter((f) => f !== '__typename'));

/**
 * incidentPageSql's page with its nodes written by PostgreSQL: the JSON array graphql-js
 * would answer for `nodes { <fields> }` (each object's keys in the given order), as text
 * for the answer unparsed (graphql/raw-json.ts), with the count, whether another page
 * follows and the cursors of the page's ends. Exported for the bench, as incidentPageSql.
 */
export function incidentNodesSql(
  f: FilterValues,
  size: number,
  after: [occurredAt: string, id: string] | null,
  fields: readonly PlainField[],
): Sql {
  const where = chosen(f);
  const before = after ? sql`and (i.occurred_at, i.id) < (${after[0]}::timestamptz, ${after[1]}::uuid)` : empty;
  // row_to_json of a row with the answer's keys as its column names writes compact JSON
  // (json_build_object puts " : " between every key and value: a tenth more bytes to send).
  const columns = join(
    fields.map(({ key, field }) => sql`${INCIDENT_JSON[field]!} as ${jsonKey(key)}`),
    ', ',
  );
  const cursorOf = (order: Sql) =>
    sql`(select json_build_array(to_char(k.occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), k.id)
         from kept k order by ${order} limit 1)`;
  return sql`
    with page as (
      select i.id, i.occurred_at from incidents i where ${where} ${before}
      order by i.occurred_at desc, i.id desc limit ${size + 1}
    ), kept as (
      select id, occurred_at from page order by occurred_at desc, id desc limit ${size}
    )
    select (select count(*)::int from (select 1 from incidents i where ${where} limit ${COUNT_BOUND + 1}) c) as total,
           (select count(*)::int from page) as found,
           ${cursorOf(sql`k.occurred_at desc, k.id desc`)} as first,
           ${cursorOf(sql`k.occurred_at, k.id`)} as last,
           coalesce((select '[' || string_agg(row_to_json(r)::text, ',' order by p.occurred_at desc, p.id desc) || ']'
                     from kept p join incidents i on i.id = p.id, lateral (select ${columns}) r), '[]') as nodes`;
}

export interface IncidentPage {
  totalCount: number;
  /** False when more than COUNT_BOUND incidents match: totalCount is then COUNT_BOUND, a lower bound. */
  totalCountIsExact: boolean;
  nodes: IncidentView[];
  /** The nodes as the JSON text of the answer, when listIncidents was given `nodesAs` (and `nodes` is then empty). */
  nodesJson?: string;
  /** Built when asked for: a page of 500 asked for its nodes only needs no cursor per node. */
  readonly edges: { cursor: string; node: IncidentView }[];
  pageInfo: PageInfo;
  filter: AppliedFilter;
}

/**
 * Incidents newest first, filtered in PostGIS; cursor = (occurredAt, id). Given
 * `nodesAs`, the fields each node is asked for, the page's nodes come back as the JSON
 * text of that answer (`nodesJson`, with `nodes` empty) for the HTTP answer to carry
 * unparsed (graphql/raw-json.ts).
 */
export async function listIncidents(
  em: EntityManager,
  filter: IncidentFilter = {},
  first?: number | null,
  after?: string | null,
  nodesAs?: readonly PlainField[] | null,
): Promise<IncidentPage> {
  const size = pageSize(first);
  const applied = await applyFilter(em, filter, { field: 'filter' });
  const cursor = after ? (decodeCursor(after, ['timestamp', 'uuid']) as [string, string]) : null;
  if (nodesAs) {
    const [row] = await query<{
      total: number;
      found: number;
      first: [string, string] | null;
      last: [string, string] | null;
      nodes: string;
    }>(em, incidentNodesSql(applied, size, cursor, nodesAs));
    const { total, found, first: start, last: end, nodes } = row!;
    return {
      totalCount: Math.min(total, COUNT_BOUND),
      totalCountIsExact: total <= COUNT_BOUND,
      nodes: [],
      nodesJson: nodes,
      edges: [],
      pageInfo: {
        hasNextPage: found > size,
        hasPreviousPage: Boolean(after),
        startCursor: start ? encodeCursor(start) : null,
        endCursor: end ? encodeCursor(end) : null,
      },
      filter: applied,
    };
  }
  const [row] = await query<{ total: number; page: PageEntry[] }>(em, incidentPageSql(applied, size, cursor));
  const found = row?.page ?? [];
  const kept = found.slice(0, size);
  const nodes = kept.map(view);
  const cursorOf = (k: number) => encodeCursor([kept[k]![13], kept[k]![0]]);
  const counted = row?.total ?? 0;
  let edges: IncidentPage['edges'] | undefined;
  return {
    totalCount: Math.min(counted, COUNT_BOUND),
    totalCountIsExact: counted <= COUNT_BOUND,
    nodes,
    get edges() {
      edges ??= nodes.map((node, k) => ({ cursor: cursorOf(k), node }));
      return edges;
    },
    pageInfo: {
      hasNextPage: found.length > size,
      hasPreviousPage: Boolean(after),
      startCursor: kept.length ? cursorOf(0) : null,
      endCursor: kept.length ? cursorOf(kept.length - 1) : null,
    },
    filter: applied,
  };
}

/**
 * A row as an Incident to type-graphql: it resolves latitude and longitude (getters on the
 * entity) through a field resolver that builds a `new Incident()` for every object that is
 * not one already, twice a row. So the view has the entity's prototype, with its fields as
 * its own data properties (a literal with `__proto__` defines them; assigning them would go
 * through the setters MikroORM puts on the prototype).
 */
function view(e: PageEntry): IncidentView {
  return {
    __proto__: Incident.prototype,
    id: e[0],
    sourceRef: e[1],
    category: e[2],
    hateCrimeFlags: e[3],
    occurredAt: new Date(e[4]),
    occurredPrecision: e[5],
    darkness: e[6],
    location: { type: 'Point', coordinates: [e[7], e[8]] },
    longitude: e[7],
    latitude: e[8],
    description: e[9],
    source: e[10],
    locationName: e[11],
    recordedAt: new Date(e[12]),
  } as IncidentView;
}

/** Checks one input and turns it into an entity's data; `field` prefixes error paths. */
function toIncidentData(field: string, input: IncidentInput, defaultSource: string) {
  checkCategories(`${field}.category`, [input.category]);
  const location = checkPoint(`${field}.location`, input.location);
  if (input.occurredAt.getTime() > Date.now() + 5 * 60_000) throw badInput(`${field}.occurredAt`, 'is in the future');
  const precision = input.occurredPrecision ?? TimePrecision.EXACT;
  // A month-precision record is stored at the first instant of its month (UTC).
  const occurredAt =
    precision === TimePrecision.MONTH
      ? new Date(Date.UTC(input.occurredAt.getUTCFullYear(), input.occurredAt.getUTCMonth(), 1))
      : input.occurredAt;
  return {
    category: input.category,
    occurredAt,
    occurredPrecision: precision,
    darkness: darknessOf(occurredAt, precision, location.coordinates[0], location.coordinates[1]),
    location,
    hateCrimeFlags: [...new Set(input.hateCrimeFlags ?? [])],
    description: input.description ?? null,
    locationName: input.locationName ?? null,
    source: input.source ?? defaultSource,
    sourceRef: input.sourceRef ?? null,
  };
}

export async function reportIncident(em: EntityManager, input: IncidentInput): Promise<Incident> {
  const data = toIncidentData('input', input, 'report');
  // The source's identifier is unique: a second report of it is the client's mistake, not a database error.
  if (data.sourceRef && (await em.count(Incident, { sourceRef: data.sourceRef }))) throw badInput('input.sourceRef', 'is already recorded');
  const incident = em.create(Incident, data);
  await em.persistAndFlush(incident);
  return incident;
}

export interface ImportOutcome {
  imported: number;
  /** Records whose sourceRef was already stored: skipped, so a resent batch adds nothing. */
  duplicates: number;
  ids: string[];
}

/**
 * All or nothing: every record is checked before any is written (the first problem is
 * reported with its index), then all are written in one transaction, in one statement.
 */
export async function importIncidents(em: EntityManager, inputs: IncidentInput[]): Promise<ImportOutcome> {
  if (inputs.length === 0) throw badInput('incidents', 'is empty');
  if (inputs.length > MAX_IMPORT_BATCH)
    throw badInput('incidents', `has ${inputs.length} records; send at most ${MAX_IMPORT_BATCH} per call`);
  const rows = inputs.map((input, i) => toIncidentData(`incidents[${i}]`, input, 'import'));
  const refs = rows.map((r) => r.sourceRef).filter(Boolean);
  const repeated = refs.find((ref, i) => refs.indexOf(ref) !== i);
  if (repeated) throw badInput('incidents', `sourceRef "${repeated}" appears twice in the batch`);
  return em.transactional(async (tx) => {
    const records = rows.map((r) => ({
      category: r.category,
      occurred_at: r.occurredAt.toISOString(),
      occurred_precision: r.occurredPrecision,
      darkness: r.darkness,
      lon: r.location.coordinates[0],
      lat: r.location.coordinates[1],
      flags: r.hateCrimeFlags,
      description: r.description,
      location_name: r.locationName,
      source: r.source,
      source_ref: r.sourceRef,
    }));
    const inserted = await query<{ id: string }>(
      tx,
      sql`insert into incidents (id, category, occurred_at, occurred_precision, darkness, location, hate_crime_flags, description, location_name, source, source_ref)
          select gen_random_uuid(), r.category, r.occurred_at, r.occurred_precision::time_precision, r.darkness::darkness,
                 ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r.flags, r.description, r.location_name, r.source, r.source_ref
          from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as r(category text, occurred_at timestamptz, occurred_precision text, darkness text,
               lon float8, lat float8, flags text[], description text, location_name text, source text, source_ref text)
          on conflict (source_ref) do nothing
          returning id`,
    );
    return { imported: inserted.length, duplicates: rows.length - inserted.length, ids: inserted.map((r) => r.id) };
  });
}
