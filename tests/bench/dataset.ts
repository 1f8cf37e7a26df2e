import type { EntityManager } from '@mikro-orm/postgresql';
import { loadWards } from '@vigil/seeds';
import { CATEGORY_SLUGS, detectVisits, HateCrimeFlag, migrate, type Orm, openOrm, type VisitRules } from '@vigil/server';
import pg from 'pg';
import { BOROUGHS, LONDON, M_PER_DEG_LAT, M_PER_DEG_LON, POSITION_SQL, randomPath, rng, type UnitPath } from './london.js';

export interface DatasetOptions {
  incidents: number;
  units: number;
  /** Seconds between the loaded fixes of a unit. */
  pingSeconds: number;
}

export interface BenchUnit {
  id: string;
  callSign: string;
  borough: string;
  path: UnitPath;
}

export interface Dataset {
  /** Epoch seconds the data was laid out from. */
  now: number;
  /** The loaded day of positions, [dayFrom, dayTo) in epoch seconds. */
  dayFrom: number;
  dayTo: number;
  /** Camden's outline (the union of its wards), GeoJSON MultiPolygon in WGS84. */
  camden: { type: 'MultiPolygon'; coordinates: number[][][][] };
  units: BenchUnit[];
  counts: { incidents: number; positions: number; sites: number; zones: number; visits: number };
  /** Seconds each load step took. */
  timings: Record<string, number>;
}

export interface BenchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** A throwaway database on the configured server, named after this process. */
export async function createBenchDatabase(adminUrl: string, name = `vigil_perf_${process.pid}`): Promise<BenchDatabase> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  let dropped = false;
  return {
    name,
    url: withDatabase(adminUrl, name),
    async drop() {
      if (dropped) return;
      dropped = true;
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Migrates with the server's own migrations. */
export async function migrateBenchDatabase(url: string): Promise<void> {
  const orm = await openOrm(url, 2);
  try {
    await migrate(orm);
  } finally {
    await orm.close(true);
  }
}

const seconds = (start: number) => (performance.now() - start) / 1000;

/**
 * Secondary indexes of a table (not those behind a constraint), dropped for a bulk load and
 * rebuilt afterwards from their own definitions: building an index once is far cheaper than
 * growing it row by row, and the schema ends up exactly as migrated.
 */
async function dropSecondaryIndexes(client: pg.Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
     from pg_index i
     where i.indrelid = $1::regclass and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    [table],
  );
  for (const r of rows) await client.query(`drop index ${r.name}`);
  return rows.map((r) => r.def);
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'vigil-bench-load' });
  await client.connect();
  // Bulk-load settings for these sessions only.
  await client.query(`set maintenance_work_mem = '256MB'; set work_mem = '64MB'; set synchronous_commit = off`);
  return client;
}

/**
 * 1,000,000 (or `options.incidents`) incidents over two years across Greater London,
 * set-based in one INSERT … SELECT FROM generate_series: a quarter spread evenly over the
 * extent, most around the borough centres (about 2 km spread), and a seventh in tight
 * hot spots (about 120 m) so Gi* has something to find.
 */
async function loadIncidents(client: pg.Client, count: number, now: number, chunk: number): Promise<void> {
  const random = rng(20261122);
  const centres = BOROUGHS.map((b) => [b.lon, b.lat] as [number, number]);
  // Four hot spots per borough, within about 2 km of its centre.
  const spots = centres.flatMap(([lon, lat]) =>
    [0, 1, 2, 3].map(() => [lon + ((random() - 0.5) * 4000) / M_PER_DEG_LON, lat + ((random() - 0.5) * 4000) / M_PER_DEG_LAT]),
  );
  // Each chunk has its own seed: the same data whichever connection loads it.
  await client.query(`select setseed($1)`, [((chunk * 7919) % 1000) / 1000 - 0.5]);
  await client.query(
    `insert into incidents (id, category, occurred_at, occurred_precision, darkness, location, hate_crime_flags, source)
     select gen_random_uuid(), r.category, r.at, 'EXACT',
            (case when extract(hour from r.at at time zone 'Europe/London') >= 18 or extract(hour from r.at at time zone 'Europe/London') < 7
                  then 'DARK' else 'LIGHT' end)::darkness,
            ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r.flags, 'bench'
     from (
       select g.category, g.at, g.flags,
              case when g.kind < 0.25 then $3::float8 + g.u1 * ($4::float8 - $3::float8)
                   when g.kind < 0.86 then ($7::float8[])[g.b] + g.n1 * 2000 / ${M_PER_DEG_LON}
                   else ($9::float8[])[g.s] + g.n1 * 120 / ${M_PER_DEG_LON} end as lon,
              case when g.kind < 0.25 then $5::float8 + g.u2 * ($6::float8 - $5::float8)
                   when g.kind < 0.86 then ($8::float8[])[g.b] + g.n2 * 2000 / ${M_PER_DEG_LAT}
                   else ($10::float8[])[g.s] + g.n2 * 120 / ${M_PER_DEG_LAT} end as lat
       from (
         select random() as kind, random() as u1, random() as u2,
                1 + floor(random() * ${centres.length})::int as b, 1 + floor(random() * ${spots.length})::int as s,
                -- Box–Muller: two independent standard normals from two uniforms.
                sqrt(-2 * ln(1 - v.x)) * cos(2 * pi() * v.y) as n1, sqrt(-2 * ln(1 - v.x)) * sin(2 * pi() * v.y) as n2,
                ($2::text[])[1 + floor(random() * ${CATEGORY_SLUGS.length})::int] as category,
                to_timestamp($11::float8) - random() * interval '730 days' as at,
                case when random() < 0.02 then array[($12::text[])[1 + floor(random() * ${Object.values(HateCrimeFlag).length})::int]]
                     else '{}'::text[] end as flags
         from generate_series(1, $1::int) i, lateral (select random() + i * 0 as x, random() + i * 0 as y) v
       ) g
     ) r`,
    [
      count,
      CATEGORY_SLUGS,
      LONDON.west,
      LONDON.east,
      LONDON.south,
      LONDON.north,
      centres.map((c) => c[0]),
      centres.map((c) => c[1]),
      spots.map((s) => s[0]),
      spots.map((s) => s[1]),
      now,
      Object.values(HateCrimeFlag),
    ],
  );
}

/** Units spread evenly over the boroughs, each with a path around a home near its borough centre; a third on foot. */
function planUnits(count: number): Omit<BenchUnit, 'id'>[] {
  const random = rng(500);
  const units: Omit<BenchUnit, 'id'>[] = [];
  for (let k = 0; k < count; k++) {
    const borough = BOROUGHS[k % BOROUGHS.length]!;
    const home: [number, number] = [
      borough.lon + ((random() - 0.5) * 3000) / M_PER_DEG_LON,
      borough.lat + ((random() - 0.5) * 3000) / M_PER_DEG_LAT,
    ];
    const foot = k % 3 === 0;
    units.push({ callSign: `BN-${String(k + 1).padStart(3, '0')}`, borough: borough.name, path: randomPath(random, home, foot) });
  }
  return units;
}

async function loadUnits(client: pg.Client, count: number): Promise<BenchUnit[]> {
  const plans = planUnits(count);
  const { rows } = await client.query<{ id: string; call_sign: string }>(
    `insert into patrol_units (id, call_sign, kind, team, borough)
     select gen_random_uuid(), r.call_sign, r.kind::unit_kind, 'Bench patrol', r.borough
     from jsonb_to_recordset($1::jsonb) as r(call_sign text, kind text, borough text)
     returning id, call_sign`,
    [JSON.stringify(plans.map((p, k) => ({ call_sign: p.callSign, kind: k % 3 === 0 ? 'FOOT' : 'CAR', borough: p.borough })))],
  );
  const ids = new Map(rows.map((r) => [r.call_sign, r.id]));
  return plans.map((p) => ({ ...p, id: ids.get(p.callSign)! }));
}

/** A day of fixes for every unit, one INSERT … SELECT over generate_series. */
async function loadPositions(client: pg.Client, units: BenchUnit[], from: number, to: number, step: number): Promise<void> {
  await client.query(
    `insert into positions (unit_id, recorded_at, location, accuracy, speed, heading, received_at)
     select u.id, to_timestamp(t), ${POSITION_SQL}, 5, null, null, to_timestamp(t) + interval '2 seconds'
     from jsonb_to_recordset($1::jsonb) as u(id uuid, lon float8, lat float8, a float8, b float8, w1 float8, w2 float8, p1 float8, p2 float8)
     cross join generate_series($2::bigint, $3::bigint - 1, $4::bigint) t`,
    [JSON.stringify(units.map((u) => ({ id: u.id, ...u.path }))), from, to, step],
  );
}

/** Sites on the patrol list: twelve per borough around its centre, twice a day each. */
async function loadSites(client: pg.Client, now: number): Promise<number> {
  const random = rng(31);
  const kinds = ['SYNAGOGUE', 'MOSQUE', 'CHURCH', 'TEMPLE', 'SCHOOL', 'BUSINESS', 'COMMUNITY_CENTRE', 'EMBASSY', 'OTHER'];
  const sites = BOROUGHS.flatMap((b, i) =>
    Array.from({ length: 12 }, (_, k) => ({
      name: `${b.name} site ${k + 1}`,
      kind: kinds[(i + k) % kinds.length],
      lon: b.lon + ((random() - 0.5) * 3000) / M_PER_DEG_LON,
      lat: b.lat + ((random() - 0.5) * 3000) / M_PER_DEG_LAT,
      risk: k % 3 === 0 ? 'HIGH' : 'MEDIUM',
    })),
  );
  await client.query(
    `insert into sites (id, name, kind, location, risk_level, required_visits_per_day, active_from)
     select gen_random_uuid(), r.name, r.kind::site_kind, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r.risk::risk_level, 2,
            to_timestamp($2::float8) - interval '60 days'
     from jsonb_to_recordset($1::jsonb) as r(name text, kind text, lon float8, lat float8, risk text)`,
    [JSON.stringify(sites), now],
  );
  return sites.length;
}

/** Camden and Islington's wards as patrol zones (the demo's zones), so coverage has zones to measure. */
async function loadZones(client: pg.Client): Promise<number> {
  const wards = loadWards();
  await client.query(
    `insert into patrol_zones (id, name, borough, gss_code, boundary, target_minutes_per_day)
     select gen_random_uuid(), r.name, r.borough, r.gss_code, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.boundary), 4326)), 120
     from jsonb_to_recordset($1::jsonb) as r(name text, borough text, gss_code text, boundary jsonb)`,
    [JSON.stringify(wards.map((w) => ({ name: w.name, borough: w.borough, gss_code: w.gssCode, boundary: w.boundary })))],
  );
  return wards.length;
}

/**
 * Builds the data set in `url`: zones, sites, units, a day of positions and the incidents,
 * the two big tables loaded side by side on two connections with their secondary indexes
 * rebuilt afterwards; then the visits of the loaded day for the units near Camden (the
 * server's own detectVisits), and ANALYZE.
 */
export async function loadDataset(url: string, options: DatasetOptions, rules: VisitRules): Promise<Dataset> {
  const timings: Record<string, number> = {};
  const now = Math.floor(Date.now() / 1000);
  const step = options.pingSeconds;
  // The loaded day ends 6 hours ago: the ingest scenario continues the paths from there.
  const dayTo = Math.floor((now - 6 * 3600) / step) * step;
  const dayFrom = dayTo - 24 * 3600;

  const a = await connect(url);
  const b = await connect(url);
  try {
    let start = performance.now();
    const zones = await loadZones(a);
    const sites = await loadSites(a, now);
    const units = await loadUnits(a, options.units);
    timings.places = seconds(start);

    start = performance.now();
    const incidentIndexes = await dropSecondaryIndexes(a, 'incidents');
    const positionIndexes = await dropSecondaryIndexes(b, 'positions');
    // Both big tables in chunks, shared out between the two connections.
    const CHUNK = 250_000;
    const jobs: ((c: pg.Client) => Promise<void>)[] = [];
    for (let done = 0, chunk = 0; done < options.incidents; done += CHUNK, chunk++) {
      const n = Math.min(CHUNK, options.incidents - done);
      jobs.push((c) => loadIncidents(c, n, now, chunk));
    }
    const groups = 4;
    for (let g = 0; g < groups; g++) {
      jobs.push((c) =>
        loadPositions(
          c,
          units.filter((_, k) => k % groups === g),
          dayFrom,
          dayTo,
          step,
        ),
      );
    }
    await Promise.all(
      [a, b].map(async (c) => {
        for (let job = jobs.shift(); job; job = jobs.shift()) await job(c);
      }),
    );
    timings.rows = seconds(start);
    start = performance.now();
    // Rebuilt on both connections at once, the bigger table's indexes shared out.
    const all = [...incidentIndexes, ...positionIndexes];
    const queue = [...all];
    await Promise.all(
      [a, b].map(async (client) => {
        for (let def = queue.shift(); def; def = queue.shift()) await client.query(def);
      }),
    );
    timings.indexes = seconds(start);

    start = performance.now();
    const orm: Orm = await openOrm(url, 2);
    try {
      // Visits of the loaded day, through the server's own detection, for the units that
      // patrol Camden or Islington (the others never come near the coverage scenario's area).
      const near = units.filter((u) => u.borough === 'Camden' || u.borough === 'Islington');
      await Promise.all(
        [0, 1].map(async () => {
          for (let unit = near.shift(); unit; unit = near.shift())
            await detectVisits(orm.em.fork() as unknown as EntityManager, unit.id, new Date(dayFrom * 1000), new Date(dayTo * 1000), rules);
        }),
      );
    } finally {
      await orm.close(true);
    }
    timings.visits = seconds(start);

    start = performance.now();
    // VACUUM as well: it sets the visibility map, which an index-only scan needs to skip the
    // heap (incidents_point_idx). On a server autovacuum does it, inserts being enough to
    // start it (PostgreSQL 13+); a freshly loaded table has it unset.
    await Promise.all([a.query('vacuum analyze incidents'), b.query('vacuum analyze positions')]);
    await a.query('analyze');
    timings.analyze = seconds(start);

    const { rows } = await a.query<{ incidents: string; positions: string; visits: string; camden: string }>(
      `select (select count(*) from incidents) as incidents, (select count(*) from positions) as positions,
              (select count(*) from visits) as visits,
              (select ST_AsGeoJSON(ST_Multi(ST_Union(boundary)), 7) from patrol_zones where borough = 'Camden') as camden`,
    );
    const row = rows[0]!;
    return {
      now,
      dayFrom,
      dayTo,
      camden: JSON.parse(row.camden),
      units,
      counts: {
        incidents: Number(row.incidents),
        positions: Number(row.positions),
        sites,
        zones,
        visits: Number(row.visits),
      },
      timings,
    };
  } finally {
    await a.end();
    await b.end();
  }
}
