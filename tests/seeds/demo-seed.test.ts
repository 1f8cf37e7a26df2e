import type { EntityManager } from '@mikro-orm/postgresql';
import { HotspotsDocument, IncidentsDocument, type IncidentsQuery, IncidentTrendDocument, OperationsDocument } from '@vigil/schema';
import { loadWards } from '@vigil/seeds';
import { type SeedSummary, seedDemo } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GraphQLResponse, startTestServer, type TestServer } from '../support/server.js';

// The full demo, as `vigil seed` and `npm start` load it, generated for today: the data
// itself (straight SQL), then the API over it. One file, so the demo is loaded once (it is
// the longest set-up of the suite).
let t: TestServer;
let analyst: string;
let summary: SeedSummary;
const SOUTH_END_GREEN: [number, number] = [-0.1658, 51.5563];
const em = () => t.em() as unknown as EntityManager;
const query = <T>(sql: string, params: unknown[] = []) => em().getConnection().execute<T[]>(sql, params);
const one = async <T>(sql: string, params: unknown[] = []) => (await query<T>(sql, params))[0] as T;

beforeAll(async () => {
  t = await startTestServer();
  summary = await seedDemo(em(), { rules: { radiusMetres: 50, gapSeconds: 120 } });
  console.log(`Full demo seed on ${t.db.kind} PostGIS: ${summary.seconds.toFixed(1)} s`, summary);
  analyst = await t.tokenFor('ANALYST');
}, 900_000);
afterAll(() => t?.close());

describe('the full demo seed makes Camden and Islington come alive', () => {
  it('has at least 34 zones, 40 sites of 6 kinds, 20,000 incidents, and 2 units with 100,000 positions each', async () => {
    const counts = await one<{ zones: number; sites: number; kinds: number; incidents: number }>(
      `select (select count(*)::int from patrol_zones) as zones, (select count(*)::int from sites) as sites,
              (select count(distinct kind)::int from sites) as kinds, (select count(*)::int from incidents) as incidents`,
    );
    expect(counts.zones).toBeGreaterThanOrEqual(34);
    expect(counts.sites).toBeGreaterThanOrEqual(40);
    expect(counts.kinds).toBeGreaterThanOrEqual(6);
    expect(counts.incidents).toBeGreaterThanOrEqual(20_000);
    const perUnit = await query<{ call_sign: string; n: number }>(
      `select u.call_sign, count(*)::int as n from positions p join patrol_units u on u.id = p.unit_id group by 1 order by 2 desc`,
    );
    expect(perUnit.filter((u) => u.n >= 100_000).length).toBeGreaterThanOrEqual(2);
    expect(perUnit.reduce((sum, u) => sum + u.n, 0)).toBeGreaterThanOrEqual(100_000);
    expect(summary.positions).toBe(perUnit.reduce((sum, u) => sum + u.n, 0));
  });

  it('the densest 250 m grid cell of after-dark vehicle crime contains South End Green', async () => {
    const cell = await one<{ e: number; n: number; count: number; contains: boolean; runner_up: number }>(
      `with cells as (
         select floor(ST_X(location_bng) / 250) as cx, floor(ST_Y(location_bng) / 250) as cy, count(*)::int as count
         from incidents where category = 'vehicle-crime' and darkness = 'DARK'
         group by 1, 2
       ), ranked as (select *, row_number() over (order by count desc) as rank from cells)
       select cx * 250 as e, cy * 250 as n, count,
              ST_Contains(ST_MakeEnvelope(cx * 250, cy * 250, cx * 250 + 250, cy * 250 + 250, 27700),
                          ST_Transform(ST_SetSRID(ST_MakePoint(-0.1658, 51.5563), 4326), 27700)) as contains,
              (select count from ranked where rank = 2) as runner_up
       from ranked where rank = 1`,
    );
    expect(cell.contains).toBe(true);
    // A hot spot, not a tie: clearly denser than any other cell.
    expect(cell.count).toBeGreaterThan(2 * cell.runner_up);
  });

  it('vehicle crime at South End Green is concentrated after dark', async () => {
    const r = await one<{ dark: number; light: number }>(
      `select count(*) filter (where darkness = 'DARK')::int as dark, count(*) filter (where darkness = 'LIGHT')::int as light
       from incidents
       where category = 'vehicle-crime'
         and ST_DWithin(location_bng, ST_Transform(ST_SetSRID(ST_MakePoint(-0.1658, 51.5563), 4326), 27700), 400)`,
    );
    expect(r.dark).toBeGreaterThan(3 * r.light);
  });

  it('incidents cover at least 120 days up to today, every police.uk category, and carry darkness by precision', async () => {
    const span = await one<{ days: number; recent_days: number; categories: number; exact_unknown: number; month_rows: number }>(
      `select extract(day from max(occurred_at) - min(occurred_at))::int as days,
              (select count(distinct date_trunc('day', occurred_at))::int from incidents where occurred_at > now() - interval '28 days') as recent_days,
              count(distinct category)::int as categories,
              count(*) filter (where occurred_precision = 'EXACT' and darkness = 'UNKNOWN')::int as exact_unknown,
              count(*) filter (where occurred_precision = 'MONTH' and darkness = 'UNKNOWN')::int as month_rows
       from incidents`,
    );
    expect(span.days).toBeGreaterThanOrEqual(120);
    expect(span.recent_days).toBeGreaterThanOrEqual(28);
    expect(span.categories).toBe(14);
    expect(span.exact_unknown).toBe(0);
    expect(span.month_rows).toBeGreaterThan(0);
  });

  it('antisemitic and anti-Muslim hate crime was already rising before the event and jumped after it, near community sites', async () => {
    const rows = await query<{ flag: string; before_before: number; before: number; after: number; near: number; total: number }>(
      `select f as flag,
              count(*) filter (where i.occurred_at >= o.starts_at - interval '56 days' and i.occurred_at < o.starts_at - interval '28 days')::int as before_before,
              count(*) filter (where i.occurred_at >= o.starts_at - interval '28 days' and i.occurred_at < o.starts_at)::int as before,
              count(*) filter (where i.occurred_at >= o.starts_at and i.occurred_at < o.starts_at + interval '28 days')::int as after,
              -- Within 250 m of a site of the targeted community (such circles cover about a tenth of the boroughs).
              count(*) filter (where exists (
                select 1 from sites s
                where ST_DWithin(s.location_bng, i.location_bng, 250)
                  and s.community = any(case when f = 'ANTISEMITIC' then array['Jewish', 'Israeli'] else array['Muslim'] end)))::int as near,
              count(*)::int as total
       from incidents i cross join operations o cross join unnest(i.hate_crime_flags) f
       where f in ('ANTISEMITIC', 'ANTI_MUSLIM')
       group by f order by f`,
    );
    expect(rows.map((r) => r.flag)).toEqual(['ANTISEMITIC', 'ANTI_MUSLIM']);
    for (const r of rows) {
      expect(r.after, r.flag).toBeGreaterThan(2 * r.before);
      expect(r.before, r.flag).toBeGreaterThanOrEqual(r.before_before);
      expect(r.near / r.total, r.flag).toBeGreaterThan(0.45);
    }
  });

  it('the reassurance operation starts on the event day about 30 days ago, with priority communities', async () => {
    const op = await one<{ days_ago: number; communities: string[] }>(
      `select (extract(epoch from now() - starts_at) / 86400)::float8 as days_ago, priority_communities as communities from operations`,
    );
    expect(op.days_ago).toBeGreaterThan(29);
    expect(op.days_ago).toBeLessThan(32);
    expect(op.communities).toEqual(expect.arrayContaining(['Jewish', 'Muslim']));
  });

  it('every site is invented (named "(demo)") and stands inside a ward; the Israeli-run shops are in Belsize Park', async () => {
    const sites = await query<{ name: string; kind: string; ward: string | null; risk_level: string; required_visits_per_day: number }>(
      `select s.name, s.kind, s.risk_level, s.required_visits_per_day,
              (select z.name from patrol_zones z where ST_Within(s.location, z.boundary)) as ward
       from sites s`,
    );
    for (const s of sites) {
      expect(s.name).toMatch(/\(demo\)$/);
      expect(s.ward, s.name).not.toBeNull();
      if (s.risk_level === 'HIGH') expect(s.required_visits_per_day, s.name).toBe(2);
    }
    const israeliShops = await query<{ ward: string }>(
      `select z.name as ward from sites s join patrol_zones z on ST_Within(s.location, z.boundary)
       where s.kind = 'BUSINESS' and s.community = 'Israeli' and z.borough = 'Camden'`,
    );
    expect(israeliShops.filter((s) => s.ward === 'Belsize' || s.ward === 'Haverstock').length).toBeGreaterThanOrEqual(3);
    expect(new Set(sites.map((s) => s.kind))).toEqual(
      new Set(['SYNAGOGUE', 'MOSQUE', 'CHURCH', 'TEMPLE', 'SCHOOL', 'BUSINESS', 'COMMUNITY_CENTRE', 'EMBASSY', 'OTHER']),
    );
  });

  it('visits come out of the traces: the two reassurance cars make Koper stops, drive-bys and misses at high-risk sites', async () => {
    // The last 21 whole days, all of them inside the operation.
    const visits = await query<{ call_sign: string; site_id: string; day: string; minutes: number }>(
      `select u.call_sign, v.site_id, to_char(v.entered_at, 'YYYY-MM-DD') as day, (extract(epoch from v.exited_at - v.entered_at) / 60)::float8 as minutes
       from visits v join patrol_units u on u.id = v.unit_id join sites s on s.id = v.site_id
       where u.kind = 'CAR' and s.required_visits_per_day >= 2
         and v.entered_at >= date_trunc('day', now()) - interval '21 days' and v.entered_at < date_trunc('day', now())`,
    );
    for (const callSign of ['CN-R1', 'IS-R1']) {
      const mine = visits.filter((v) => v.call_sign === callSign);
      const stops = mine.filter((v) => v.minutes >= 2);
      const sites = new Set(stops.map((v) => v.site_id));
      expect(sites.size, callSign).toBeGreaterThanOrEqual(5);
      // About twice a day per high-risk site, as the mission says (critical ones three times).
      const perSiteDay = stops.length / sites.size / 21;
      expect(perSiteDay, callSign).toBeGreaterThan(1.4);
      expect(perSiteDay, callSign).toBeLessThan(3.2);
      expect(mine.filter((v) => v.minutes >= 10 && v.minutes <= 16).length, callSign).toBeGreaterThan(100);
      expect(mine.filter((v) => v.minutes < 1).length, callSign).toBeGreaterThan(10);
      // Some site-days go without the visits they need: the overdue list is not empty.
      const stopsPerSiteDay = new Map<string, number>();
      for (const v of stops) stopsPerSiteDay.set(`${v.site_id} ${v.day}`, (stopsPerSiteDay.get(`${v.site_id} ${v.day}`) ?? 0) + 1);
      const short = [...stopsPerSiteDay.values()].filter((n) => n < 2).length + (sites.size * 21 - stopsPerSiteDay.size);
      expect(short, callSign).toBeGreaterThan(0);
    }
  });

  it('foot patrols make letter drops around South End Green in the evenings', async () => {
    const r = await one<{ drops: number; near: number; evening: number }>(
      `select count(*)::int as drops,
              count(*) filter (where ST_DWithin(ST_Transform(location, 27700), ST_Transform(ST_SetSRID(ST_MakePoint(-0.1658, 51.5563), 4326), 27700), 600))::int as near,
              count(*) filter (where extract(hour from at at time zone 'Europe/London') >= 17)::int as evening
       from activities where kind = 'LETTER_DROP'`,
    );
    expect(r.drops).toBeGreaterThan(50);
    expect(r.near).toBe(r.drops);
    expect(r.evening).toBe(r.drops);
  });
});

async function allIds(filter: object): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null | undefined = null;
  do {
    const page: GraphQLResponse<IncidentsQuery> = await t.gql(IncidentsDocument, { filter, first: 500, after }, analyst);
    expect(page.errors).toBeUndefined();
    ids.push(...page.data!.incidents.nodes.map((n) => n.id));
    after = page.data!.incidents.pageInfo.hasNextPage ? page.data!.incidents.pageInfo.endCursor : null;
  } while (after);
  return ids.sort();
}

const reference = async (sql: string, params: unknown[]) =>
  (await t.em().execute<{ id: string }[]>(`select id from incidents where ${sql} order by id`, params)).map((r) => r.id);

describe('the API on the demo data', () => {
  it('the after-dark vehicle-crime Gi* map marks South End Green HOT_99', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 120 * 86_400_000);
    const result = await t.gql(
      HotspotsDocument,
      {
        input: {
          filter: { from: from.toISOString(), to: to.toISOString(), categories: ['vehicle-crime'], darkness: 'DARK' },
          cellSize: 250,
          method: 'GI_STAR',
        },
      },
      analyst,
    );
    expect(result.errors).toBeUndefined();
    const [bng] = await t
      .em()
      .execute<{ x: number; y: number }[]>(
        `select ST_X(g) x, ST_Y(g) y from ST_Transform(ST_SetSRID(ST_MakePoint(?, ?), 4326), 27700) g`,
        SOUTH_END_GREEN,
      );
    const green = result.data!.hotspots.cells.find((c) => c.id === `s250:${Math.floor(bng!.x / 250)}:${Math.floor(bng!.y / 250)}`);
    expect(green?.confidence).toBe('HOT_99');
    expect(result.data!.hotspots.summary.incidentCount).toBeGreaterThan(100);
  });

  it('the hate-crime trend reports a significant rise after the event day', async () => {
    const operations = await t.gql(OperationsDocument, {}, analyst);
    const eventAt = operations.data!.operations[0]!.startsAt;
    const trend = (await t.gql(IncidentTrendDocument, { eventAt, days: 28, filter: { hateCrime: true } }, analyst)).data!.incidentTrend;
    expect(trend.after).toBeGreaterThan(trend.before);
    expect(trend.significant).toBe(true);
    expect(trend.pValue).toBeLessThan(0.05);
    expect(trend.lower95).toBeGreaterThan(1);
  });

  it('a bbox query and a within-polygon query return exactly the incidents ST_Intersects returns', async () => {
    const [w, s, e, n] = [-0.18, 51.545, -0.15, 51.565];
    const inBox = await allIds({ bbox: { west: w, south: s, east: e, north: n } });
    expect(inBox.length).toBeGreaterThan(500);
    expect(inBox).toEqual(await reference('ST_Intersects(location, ST_MakeEnvelope(?, ?, ?, ?, 4326))', [w, s, e, n]));

    const belsize = loadWards().find((ward) => ward.name === 'Belsize')!.boundary;
    const inWard = await allIds({ within: belsize });
    expect(inWard.length).toBeGreaterThan(100);
    expect(inWard).toEqual(await reference('ST_Intersects(location, ST_SetSRID(ST_GeomFromGeoJSON(?), 4326))', [JSON.stringify(belsize)]));
  });
});
