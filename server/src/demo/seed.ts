import type { EntityManager } from '@mikro-orm/postgresql';
import { type DemoActivity, type DemoData, type DemoOptions, type DemoUnit, demoUsers, generateDemo } from '@vigil/seeds';
import type { Role } from '../auth/role.js';
import { upsertUser } from '../auth/users.service.js';
import { identifier, query, queryOne, type Sql, sql } from '../db/sql.js';
import { insertIncidents } from '../imports/incident-writer.js';
import { darknessOf } from '../incidents/darkness.js';
import { TimePrecision } from '../incidents/incident.entity.js';
import { storePositions, type VisitRules } from '../patrols/positions.service.js';

export interface SeedOptions extends DemoOptions {
  /** Visit radius and gap for the visits derived from the traces (default: the brief's 50 m, 2 min). */
  rules?: VisitRules;
  /** Called as the patrol traces are stored, one unit-day at a time. */
  onProgress?: (done: number, total: number) => void;
}

export interface SeedSummary {
  users: number;
  zones: number;
  sites: number;
  operations: number;
  requests: number;
  incidents: number;
  units: number;
  positions: number;
  activities: number;
  /** Visits on record after seeding (derived from the positions, not written). */
  visits: number;
  seconds: number;
}

const DEFAULT_RULES: VisitRules = { radiusMetres: 50, gapSeconds: 120 };

/**
 * Loads the demo data into an empty database, or tops up the parts that are empty: demo
 * users, patrol zones from the Camden and Islington ward boundaries, the patrol list, the
 * reassurance operation, visit requests, incident history, and patrol units with their GPS
 * traces. Positions go in only through `storePositions` — the ingest path devices use — so
 * visits come out of the traces, not out of the generator.
 */
export async function seedDemo(em: EntityManager, options: SeedOptions = {}): Promise<SeedSummary> {
  const started = Date.now();
  for (const user of demoUsers) await upsertUser(em, { ...user, role: user.role as Role });
  const isEmpty = async (table: string) =>
    (await queryOne<{ empty: boolean }>(em, sql`select not exists (select 1 from ${identifier(table)}) as empty`))?.empty === true;
  const visits = async () => (await queryOne<{ n: number }>(em, sql`select count(*)::int as n from visits`))?.n ?? 0;
  const empty: Record<string, boolean> = {};
  for (const table of ['patrol_units', 'patrol_zones', 'sites', 'operations', 'visit_requests', 'incidents'])
    empty[table] = await isEmpty(table);
  const summary: SeedSummary = {
    users: demoUsers.length,
    zones: 0,
    sites: 0,
    operations: 0,
    requests: 0,
    incidents: 0,
    units: 0,
    positions: 0,
    activities: 0,
    visits: 0,
    seconds: 0,
  };

  // A database that has it all already (the usual `vigil demo` restart) costs no generation.
  if (!Object.values(empty).some(Boolean)) {
    summary.visits = await visits();
    summary.seconds = (Date.now() - started) / 1000;
    return summary;
  }
  const demo = generateDemo(options);
  const newUnits = empty.patrol_units ? demo.units : [];
  if (newUnits.length > 0) summary.units = await insertUnits(em, newUnits);
  if (empty.patrol_zones) summary.zones = await insertZones(em, demo);
  if (newUnits.length > 0) await assignUnits(em, demo);
  if (empty.sites) summary.sites = await insertSites(em, demo);
  if (empty.operations) summary.operations = await insertOperation(em, demo);
  if (empty.visit_requests) summary.requests = await insertRequests(em, demo);
  if (empty.incidents) summary.incidents = await insertDemoIncidents(em, demo);

  // Traces a unit-day at a time: each call is one set-based insert plus the visits it makes.
  const rules = options.rules ?? DEFAULT_RULES;
  const total = newUnits.length * demo.patrolDays.length;
  let done = 0;
  for (const unit of newUnits) {
    for (const midnight of demo.patrolDays) {
      const { fixes, activities } = demo.patrolDay(unit, midnight);
      summary.positions += (await storePositions(em, unit.id, fixes, rules)).stored;
      summary.activities += await insertActivities(em, activities);
      options.onProgress?.(++done, total);
    }
  }
  // Statistics for the planner, now that the tables are full: without them it takes the
  // positions table for a few dozen rows and picks plans that repeat whole aggregates.
  await query(em, sql`analyze`);
  summary.visits = await visits();
  summary.seconds = (Date.now() - started) / 1000;
  return summary;
}

/**
 * Inserts rows given as JSON through jsonb_to_recordset: one statement for the lot.
 * `insert` reads them from `rows`, the JSON as one bound jsonb parameter.
 */
async function insertJson(em: EntityManager, insert: (rows: Sql) => Sql, rows: unknown[]): Promise<number> {
  if (rows.length === 0) return 0;
  const statement = insert(sql`${JSON.stringify(rows)}::jsonb`);
  const result = await queryOne<{ n: number }>(em, sql`with added as (${statement} returning 1) select count(*)::int as n from added`);
  return result?.n ?? 0;
}

function insertUnits(em: EntityManager, units: DemoUnit[]): Promise<number> {
  return insertJson(
    em,
    (rows) => sql`insert into patrol_units (id, call_sign, kind, team, borough)
     select r.id, r.call_sign, r.kind::unit_kind, r.team, r.borough
     from jsonb_to_recordset(${rows}) as r(id uuid, call_sign text, kind text, team text, borough text)
     on conflict (call_sign) do nothing`,
    units.map((u) => ({ id: u.id, call_sign: u.callSign, kind: u.kind, team: u.team, borough: u.borough })),
  );
}

function insertZones(em: EntityManager, demo: DemoData): Promise<number> {
  return insertJson(
    em,
    (rows) => sql`insert into patrol_zones (id, name, borough, gss_code, boundary, target_minutes_per_day, created_at, updated_at)
     select r.id, r.name, r.borough, r.gss_code, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.boundary), 4326)),
            r.target_minutes_per_day, r.created_at, r.created_at
     from jsonb_to_recordset(${rows}) as r(id uuid, name text, borough text, gss_code text, boundary jsonb,
                                            target_minutes_per_day int, created_at timestamptz)`,
    demo.zones.map((z) => ({
      id: z.id,
      name: z.name,
      borough: z.borough,
      gss_code: z.gssCode,
      boundary: z.boundary,
      target_minutes_per_day: z.targetMinutesPerDay,
      created_at: demo.eventDay.toISOString(),
    })),
  );
}

/** Cars cover every ward of their borough; SNT foot patrols their own wards. Zones are matched by GSS code, so a top-up finds them. */
function assignUnits(em: EntityManager, demo: DemoData): Promise<number> {
  return insertJson(
    em,
    (rows) => sql`insert into patrol_zone_units (patrol_zone_id, patrol_unit_id)
     select z.id, u.id
     from jsonb_to_recordset(${rows}) as r(gss_code text, call_sign text)
     join patrol_zones z on z.gss_code = r.gss_code
     join patrol_units u on u.call_sign = r.call_sign
     on conflict do nothing`,
    demo.zones.flatMap((z) => z.unitIds.map((id) => ({ gss_code: z.gssCode, call_sign: demo.units.find((u) => u.id === id)?.callSign }))),
  );
}

function insertSites(em: EntityManager, demo: DemoData): Promise<number> {
  return insertJson(
    em,
    (rows) => sql`insert into sites (id, name, kind, location, risk_level, required_visits_per_day, community, requested_by,
                        active_from, created_at, updated_at)
     select r.id, r.name, r.kind::site_kind, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r.risk_level::risk_level,
            r.required_visits_per_day, r.community, r.requested_by, r.active_from, r.active_from, r.active_from
     from jsonb_to_recordset(${rows}) as r(id uuid, name text, kind text, lon float8, lat float8, risk_level text,
                                            required_visits_per_day int, community text, requested_by text, active_from timestamptz)`,
    demo.sites.map((s) => ({
      id: s.id,
      name: s.name,
      kind: s.kind,
      lon: s.location[0],
      lat: s.location[1],
      risk_level: s.riskLevel,
      required_visits_per_day: s.requiredVisitsPerDay,
      community: s.community,
      requested_by: s.requestedBy,
      active_from: s.activeFrom.toISOString(),
    })),
  );
}

function insertOperation(em: EntityManager, demo: DemoData): Promise<number> {
  const o = demo.operation;
  return insertJson(
    em,
    (rows) => sql`insert into operations (id, name, description, starts_at, ends_at, priority_communities, priority_site_kinds)
     select r.id, r.name, r.description, r.starts_at, r.ends_at, r.priority_communities, r.priority_site_kinds
     from jsonb_to_recordset(${rows}) as r(id uuid, name text, description text, starts_at timestamptz, ends_at timestamptz,
                                            priority_communities text[], priority_site_kinds text[])`,
    [
      {
        id: o.id,
        name: o.name,
        description: o.description,
        starts_at: o.startsAt.toISOString(),
        ends_at: o.endsAt,
        priority_communities: o.priorityCommunities,
        priority_site_kinds: o.prioritySiteKinds,
      },
    ],
  );
}

function insertRequests(em: EntityManager, demo: DemoData): Promise<number> {
  return insertJson(
    em,
    (rows) => sql`insert into visit_requests (id, place_name, kind, location, address, community, requester_name, reason, status,
                                 site_id, decided_at, created_at)
     select r.id, r.place_name, r.kind::site_kind,
            case when r.lon is null then null else ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326) end,
            r.address, r.community, r.requester_name, r.reason, r.status::visit_request_status,
            (select s.id from sites s where s.id = r.site_id), r.decided_at, r.created_at
     from jsonb_to_recordset(${rows}) as r(id uuid, place_name text, kind text, lon float8, lat float8, address text,
                                            community text, requester_name text, reason text, status text, site_id uuid,
                                            decided_at timestamptz, created_at timestamptz)`,
    demo.requests.map((q) => ({
      id: q.id,
      place_name: q.placeName,
      kind: q.kind,
      lon: q.location?.[0] ?? null,
      lat: q.location?.[1] ?? null,
      address: q.address,
      community: q.community,
      requester_name: q.requesterName,
      reason: q.reason,
      status: q.status,
      site_id: q.siteId,
      decided_at: q.decidedAt?.toISOString() ?? null,
      created_at: q.createdAt.toISOString(),
    })),
  );
}

/** Darkness is worked out here, by the same module the imports and the API use. */
function insertDemoIncidents(em: EntityManager, demo: DemoData): Promise<number> {
  return insertIncidents(
    em,
    demo.incidents.map((i) => {
      const precision = i.precision === 'MONTH' ? TimePrecision.MONTH : TimePrecision.EXACT;
      return {
        id: i.id,
        sourceRef: i.sourceRef,
        category: i.category,
        hateCrimeFlags: i.hateCrimeFlags,
        occurredAt: i.occurredAt,
        precision,
        darkness: darknessOf(i.occurredAt, precision, i.location[0], i.location[1]),
        longitude: i.location[0],
        latitude: i.location[1],
        description: i.description,
        source: i.source,
        locationName: i.locationName,
        recordedAt: i.recordedAt,
      };
    }),
  );
}

function insertActivities(em: EntityManager, activities: DemoActivity[]): Promise<number> {
  return insertJson(
    em,
    (rows) => sql`insert into activities (id, unit_id, kind, at, location, notes)
     select r.id, r.unit_id, r.kind::activity_kind, r.at, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r.notes
     from jsonb_to_recordset(${rows}) as r(id uuid, unit_id uuid, kind text, at timestamptz, lon float8, lat float8, notes text)
     on conflict (id) do nothing`,
    activities.map((a) => ({
      id: a.id,
      unit_id: a.unitId,
      kind: a.kind,
      at: a.at.toISOString(),
      lon: a.location[0],
      lat: a.location[1],
      notes: a.notes,
    })),
  );
}
