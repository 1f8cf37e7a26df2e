import { type EntityManager, raw } from '@mikro-orm/postgresql';
import { Params } from '../db/params.js';
import { decodeCursor, encodeCursor, type Page, pageSize, toPage } from '../graphql/connection.js';
import { badInput } from '../graphql/errors.js';
import { checkPoint } from '../shared/geometry-validation.js';
import { CATEGORY_SLUGS, type CrimeCategory, checkCategories } from './categories.js';
import { darknessOf } from './darkness.js';
import { Incident, TimePrecision } from './incident.entity.js';
import type { IncidentFilter, IncidentInput } from './incident.inputs.js';
import { type AppliedFilter, applyFilter, filterSql, refine } from './incident-filter.js';

/** Bulk imports through the API are capped per call; bigger files go through `vigil import`. */
export const MAX_IMPORT_BATCH = 5000;

/**
 * The incidents a filter chooses, as a query builder (aliased `i`) over the one filter's
 * SQL (incident-filter.ts). Wrapped in an object: a MikroORM query builder is thenable, and
 * returning it bare from an async function would run it.
 */
function filtered(em: EntityManager, filter: AppliedFilter) {
  const p = new Params();
  // 'read': a standby may serve it, when the resolver runs it inside ctx.reads (db/replicas.ts).
  const qb = em.createQueryBuilder(Incident, 'i', 'read');
  qb.andWhere(filterSql(p, filter), p.values);
  return { qb };
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
  const { qb } = filtered(em, all);
  const rows = await qb
    .select(['i.category', raw('count(*)::int as incidents')])
    .groupBy('i.category')
    .execute<{ category: string; incidents: number }[]>('all', false);
  const counts = new Map(rows.map((r) => [r.category, Number(r.incidents)]));
  return CATEGORY_SLUGS.map((category) => ({
    category,
    incidents: counts.get(category) ?? 0,
    filter: refine(all, { categories: [category] }),
  }));
}

/** Incidents newest first, filtered in PostGIS; cursor = (occurredAt, id). */
export async function listIncidents(
  em: EntityManager,
  filter: IncidentFilter = {},
  first?: number | null,
  after?: string | null,
): Promise<Page<Incident> & { filter: AppliedFilter }> {
  const size = pageSize(first);
  const applied = await applyFilter(em, filter, { field: 'filter' });
  const { qb } = filtered(em, applied);

  const totalCount = await qb.clone().getCount();
  if (after) {
    const [occurredAt, id] = decodeCursor(after, 2);
    qb.andWhere('(i.occurred_at, i.id) < (?::timestamptz, ?::uuid)', [occurredAt, id]);
  }
  // A page is only read, so its rows become plain Incident instances rather than managed
  // entities: hydrating 500 entities and merging them into the identity map took most of the
  // server's CPU for a page (tests/bench, incidents in a bbox), and nothing would flush them.
  const rows = await qb
    .orderBy({ occurredAt: 'desc', id: 'desc' })
    .limit(size + 1)
    .execute<IncidentRow[]>('all', true);
  const page = toPage(rows.map(readOnlyIncident), size, totalCount, (i) => encodeCursor([i.occurredAt.toISOString(), i.id]), after);
  return { ...page, filter: applied };
}

/** A row of `select i.*` mapped to property names; `location` is still the GeoJSON text. */
type IncidentRow = Omit<Incident, 'location' | 'latitude' | 'longitude'> & { location: string; location_bng?: unknown };

/**
 * An Incident (so type-graphql resolves its latitude and longitude getters on it as they
 * are) whose fields are its own data properties. Written as a literal with `__proto__`:
 * assigning them instead would go through the setters MikroORM puts on the entity
 * prototype, which cost as much as the hydration this avoids.
 */
function readOnlyIncident({ location_bng: _bng, location, ...row }: IncidentRow): Incident {
  return { __proto__: Incident.prototype, ...row, location: JSON.parse(location) } as unknown as Incident;
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
  const incident = em.create(Incident, toIncidentData('input', input, 'report'));
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
    const inserted = await tx.execute<{ id: string }[]>(
      `insert into incidents (id, category, occurred_at, occurred_precision, darkness, location, hate_crime_flags, description, location_name, source, source_ref)
       select gen_random_uuid(), r.category, r.occurred_at, r.occurred_precision::time_precision, r.darkness::darkness,
              ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r.flags, r.description, r.location_name, r.source, r.source_ref
       from jsonb_to_recordset(?::jsonb) as r(category text, occurred_at timestamptz, occurred_precision text, darkness text,
            lon float8, lat float8, flags text[], description text, location_name text, source text, source_ref text)
       on conflict (source_ref) do nothing
       returning id`,
      [
        JSON.stringify(
          rows.map((r) => ({
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
          })),
        ),
      ],
    );
    return { imported: inserted.length, duplicates: rows.length - inserted.length, ids: inserted.map((r) => r.id) };
  });
}
