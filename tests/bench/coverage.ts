import { CoverageDocument, DashboardZoneCoverageDocument } from '@vigil/schema';
import pg from 'pg';
import { GraphQLClient } from './http.js';
import { POSITION_SQL } from './london.js';
import { alternate, concurrently, median, megabytes, ms, percentile, perSecond, throughput } from './measure.js';
import { CELL_DOSAGE_SQL, GI_STAR_SQL, SITE_COVERAGE_SQL, ZONE_COVERAGE_SQL } from './raw-sql.js';
import { type Context, type Row, times, verdict } from './scenario.js';

const DAY_MS = 86_400_000;

/**
 * Coverage of Camden for the loaded day, one superintendent's dashboard at a time: sites
 * (visits, compliance, dosage), zones (share of area within r of a path) and dosage in the
 * hot spots of the 28 days before. Through GraphQL (the `Coverage` document) against the
 * same four statements through `pg`.
 */
export async function coverageScenario(ctx: Context): Promise<Row> {
  const from = new Date(ctx.dataset.dayFrom * 1000);
  const to = new Date(ctx.dataset.dayTo * 1000);
  const area = JSON.stringify(ctx.dataset.camden);
  const { visitRadiusMetres: r, visitGapSeconds: g } = ctx.server.config;
  const api = new GraphQLClient(ctx.server.url, ctx.server.analystTokens[0]!);
  const raw = new pg.Client({ connectionString: ctx.dbUrl, application_name: 'vigil-bench-raw' });
  await raw.connect();
  try {
    const viaApi = async () =>
      (await api.request(CoverageDocument, { input: { within: ctx.dataset.camden, from: from.toISOString(), to: to.toISOString() } }))
        .coverage;
    const viaSql = async () => {
      const sites = (await raw.query<{ achieved: number }>(SITE_COVERAGE_SQL, [area, from, to])).rows;
      const zones = (await raw.query<{ area: number; covered: number }>(ZONE_COVERAGE_SQL, [area, from, to, r, g])).rows;
      const cells = (
        await raw.query<{ i: number; j: number; confidence: string }>(GI_STAR_SQL, [area, new Date(from.getTime() - 28 * DAY_MS), from])
      ).rows;
      const hot = cells.filter((c) => c.confidence === 'HOT_99' || c.confidence === 'HOT_95');
      let dosage = 0;
      if (hot.length > 0) {
        const minutes = new Map(
          (await raw.query<{ i: number; j: number; minutes: number }>(CELL_DOSAGE_SQL, [area, from, to, g])).rows.map((m) => [
            `${m.i}:${m.j}`,
            Number(m.minutes),
          ]),
        );
        dosage = hot.reduce((sum, c) => sum + (minutes.get(`${c.i}:${c.j}`) ?? 0), 0);
      }
      return { sites, zones, hot: hot.length, dosage };
    };

    const [a, s] = [await viaApi(), await viaSql()];
    const achieved = s.sites.reduce((sum, x) => sum + x.achieved, 0);
    if (
      a.sites.length !== s.sites.length ||
      a.totals.achievedVisits !== achieved ||
      a.zones.length !== s.zones.length ||
      a.hotspotCells.length !== s.hot
    )
      throw new Error(
        `coverage: GraphQL (${a.sites.length} sites, ${a.totals.achievedVisits} visits, ${a.zones.length} zones, ${a.hotspotCells.length} hot cells) and raw SQL (${s.sites.length}, ${achieved}, ${s.zones.length}, ${s.hot}) disagree`,
      );
    const covered = a.zones.reduce((sum, z) => sum + z.coveredSquareMetres, 0) / a.zones.reduce((sum, z) => sum + z.areaSquareMetres, 0);
    ctx.log(
      `coverage: ${a.sites.length} sites, ${a.totals.achievedVisits} visits, ${a.zones.length} zones ${(100 * covered).toFixed(0)} % covered, ${a.hotspotCells.length} hot cells`,
    );

    // The check above ran both sides once: that is the warm-up (and kept the loaded day's
    // hours: a server keeps them as they settle).
    const rounds = 3;
    const runs = 1;
    const result = await alternate(
      rounds,
      async () => {},
      () => concurrently(1, runs, () => viaApi().then(() => 1)),
      () => concurrently(1, runs, () => viaSql().then(() => 1)),
    );
    const ratio = median(result.api.latencies) / median(result.raw.latencies);
    return {
      scenario: 'coverage (Camden, one day: sites, zones, hot-spot dosage), 1 client',
      median: ms(median(result.api.latencies)),
      p95: ms(percentile(result.api.latencies, 95)),
      throughput: perSecond(throughput(result.api), 'req'),
      baseline: `same 4 statements via pg: ${ms(median(result.raw.latencies))} / ${ms(percentile(result.raw.latencies, 95))}, ${perSecond(throughput(result.raw), 'req')}`,
      ratio: `${times(ratio)} median time`,
      target: '(none set)',
      verdict: '',
      rss: megabytes(process.memoryUsage().rss),
      note: `${a.sites.length} sites, ${a.zones.length} ward zones (${(100 * covered).toFixed(0)} % of their area covered), ${a.hotspotCells.length} hot cells; ${result.api.items} requests per side over ${rounds} alternating rounds.`,
    };
  } finally {
    api.close();
    await raw.end();
  }
}

const HOUR_MS = 3_600_000;

/**
 * Zone coverage, by the definition, in one statement with every fix of the window buffered
 * live: the steps that END in [$2, $3) (the fixes back to g before $2 are read so that a
 * step crossing $2 counts), each unit's path buffered 64 steps at a time, merged, with
 * the points of zero-length steps, 8 segments a quarter circle (as the server buffers:
 * analytics/reach.ts), unioned,
 * intersected with each zone meeting the area. Parameters: $1 area (GeoJSON), $2 from,
 * $3 to, $4 r (m), $5 g (s).
 */
export const ZONE_COVERAGE_STRAIGHT_SQL = `
  with chosen as (
    select z.id, z.boundary_bng from patrol_zones z where ST_Intersects(z.boundary, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))
  ),
  box as materialized (
    select ST_SetSRID(ST_Expand(ST_Extent(boundary)::geometry, 0.01), 4326) as box from patrol_zones where id in (select id from chosen)
  ),
  fixes as (
    select p.unit_id, p.recorded_at, ST_Transform(p.location, 27700) as pt,
           lag(p.recorded_at) over w as prev_at, lag(ST_Transform(p.location, 27700)) over w as prev_pt, row_number() over w as k
    from positions p
    where p.recorded_at >= $2::timestamptz - make_interval(secs => $5) and p.recorded_at < $3
      and ST_Intersects(p.location, (select box from box))
    window w as (partition by p.unit_id order by p.recorded_at)
  ),
  pieces as (
    select ST_Buffer(ST_Collect(ST_LineMerge(ST_Collect(ST_MakeLine(prev_pt, pt))), ST_Collect(pt) filter (where ST_Equals(prev_pt, pt))), $4, 'quad_segs=8') as g
    from fixes where recorded_at >= $2 and prev_at is not null and recorded_at - prev_at < make_interval(secs => $5)
    group by unit_id, k / 64
  ),
  reach as materialized (select coalesce(ST_Union(g), ST_SetSRID('POLYGON EMPTY'::geometry, 27700)) as g from pieces)
  select c.id, ST_Area(c.boundary_bng) as area, coalesce(ST_Area(ST_Intersection(c.boundary_bng, r.g)), 0) as covered
  from chosen c cross join reach r order by c.id`;

/**
 * The superintendent's live figure: zone coverage of Camden's wards for the open day (the
 * dashboard's zone layer, DashboardZoneCoverage), refreshed while the day goes on, against
 * the definition's straight SQL over the same window (ZONE_COVERAGE_STRAIGHT_SQL).
 *
 * The window is the last 18 hours up to now: an open day 18 hours in, whatever the time
 * the bench runs (midnight to now would be an hour long just after midnight). The loaded
 * day ends 6 hours ago, so the units near Camden are first given the rest of their paths
 * up to now (the generator's own formula), and those fixes and the reach kept from them
 * are removed afterwards: the scenarios after this one see the data set as loaded.
 * The first request keeps the hours that settled (every unit's, as the server's hourly
 * job would have); the ratio is that of the refreshes after it.
 */
export async function coverageTodayScenario(ctx: Context): Promise<Row> {
  const { dayFrom, dayTo, camden, counts } = ctx.dataset;
  const area = JSON.stringify(camden);
  const { visitRadiusMetres: r, visitGapSeconds: g } = ctx.server.config;
  const step = Math.round((dayTo - dayFrom) / (counts.positions / ctx.dataset.units.length));
  const raw = new pg.Client({ connectionString: ctx.dbUrl, application_name: 'vigil-bench-raw' });
  await raw.connect();
  const api = new GraphQLClient(ctx.server.url, ctx.server.analystTokens[0]!);
  const now = Math.floor(Date.now() / 1000 / step) * step;
  let near: string[] = [];
  try {
    // The units whose loaded fixes come near Camden's wards, and their paths up to now.
    near = (
      await raw.query<{ unit_id: string }>(
        `select distinct p.unit_id from positions p
         where ST_Intersects(p.location, (select ST_SetSRID(ST_Expand(ST_Extent(z.boundary)::geometry, 0.02), 4326)
                                          from patrol_zones z where ST_Intersects(z.boundary, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))))`,
        [area],
      )
    ).rows.map((u) => u.unit_id);
    const chosen = new Set(near);
    const added = await raw.query(
      `insert into positions (unit_id, recorded_at, location, accuracy, received_at)
       select u.id, to_timestamp(t), ${POSITION_SQL}, 5, to_timestamp(t) + interval '2 seconds'
       from jsonb_to_recordset($1::jsonb) as u(id uuid, lon float8, lat float8, a float8, b float8, w1 float8, w2 float8, p1 float8, p2 float8)
       cross join generate_series($2::bigint, $3::bigint, $4::bigint) t`,
      [JSON.stringify(ctx.dataset.units.filter((u) => chosen.has(u.id)).map((u) => ({ id: u.id, ...u.path }))), dayTo, now, step],
    );
    await raw.query('analyze positions');
    const to = new Date(now * 1000);
    const from = new Date(to.getTime() - 18 * HOUR_MS);

    const viaApi = async () =>
      (await api.request(DashboardZoneCoverageDocument, { input: { within: camden, from: from.toISOString(), to: to.toISOString() } }))
        .coverage.zones;
    const viaSql = async () =>
      (await raw.query<{ id: string; area: number; covered: number }>(ZONE_COVERAGE_STRAIGHT_SQL, [area, from, to, r, g])).rows;

    let started = performance.now();
    const first = await viaApi();
    const firstMs = performance.now() - started;
    started = performance.now();
    const straight = await viaSql();
    const straightMs = performance.now() - started;
    const zoneArea = straight.reduce((sum, z) => sum + Number(z.area), 0);
    const coveredSql = straight.reduce((sum, z) => sum + Number(z.covered), 0);
    const areaOf = new Map(straight.map((z) => [z.id, Number(z.area)]));
    const coveredApi = (zones: typeof first) => zones.reduce((sum, z) => sum + z.coveredShare * (areaOf.get(z.zone.id) ?? Number.NaN), 0);
    if (first.length !== straight.length || !Number.isFinite(coveredApi(first)))
      throw new Error(`coverage today: GraphQL (${first.length} zones) and raw SQL (${straight.length}) disagree`);
    const difference = (100 * Math.abs(coveredApi(first) - coveredSql)) / zoneArea;
    ctx.log(
      `coverage today: ${near.length} units near Camden given ${added.rowCount} fixes up to now; first request ${ms(firstMs)} (keeps the settled hours), straight SQL ${ms(straightMs)}; ${((100 * coveredSql) / zoneArea).toFixed(1)} % covered, API differs by ${difference.toFixed(4)} % of the zones' area`,
    );

    const rounds = 3;
    let last = first;
    const result = await alternate(
      rounds,
      async () => {
        last = await viaApi();
      },
      () =>
        concurrently(1, 3, async () => {
          last = await viaApi();
          return 1;
        }),
      () => concurrently(1, 1, () => viaSql().then(() => 1)),
    );
    const refreshDifference = (100 * Math.abs(coveredApi(last) - coveredSql)) / zoneArea;
    // The refresh after an hour settles makes new spans (the window's first part of a day
    // shrinks by an hour: its span is made again from the kept hours; the last grows from
    // the previous one). A window an hour earlier makes both afresh, an upper bound of it.
    started = performance.now();
    await api.request(DashboardZoneCoverageDocument, {
      input: { within: camden, from: new Date(from.getTime() - HOUR_MS).toISOString(), to: new Date(to.getTime() - HOUR_MS).toISOString() },
    });
    const newSpansMs = performance.now() - started;
    ctx.log(`coverage today: a refresh that makes its spans afresh (an hour earlier) ${ms(newSpansMs)}`);
    const ratio = median(result.api.latencies) / median(result.raw.latencies);
    const worst = Math.max(difference, refreshDifference);
    return {
      scenario: 'coverage for today (open day: the last 18 h up to now), Camden, zones, 1 client',
      median: ms(median(result.api.latencies)),
      p95: ms(percentile(result.api.latencies, 95)),
      throughput: perSecond(throughput(result.api), 'req'),
      baseline: `the definition's straight SQL, every fix buffered live, one statement via pg: ${ms(median(result.raw.latencies))} / ${ms(percentile(result.raw.latencies, 95))}`,
      ratio: `${times(ratio)} median time; area ${worst.toFixed(4)} % off`,
      target: '≤ 0.25× the straight SQL, equal within 0.5 % of area',
      verdict: verdict(ratio <= 0.25 && worst <= 0.5),
      rss: megabytes(process.memoryUsage().rss),
      note: `${first.length} ward zones, ${((100 * coveredSql) / zoneArea).toFixed(1)} % of their area covered; ${near.length} units near Camden given their paths from the loaded day's end up to now (${added.rowCount} fixes, removed afterwards); the API's covered area differs from the straight SQL’s by ${worst.toFixed(4)} % of the zones' area; the first request, which kept the settled hours of every unit (as the server's hourly job would), took ${ms(firstMs)}; a refresh that makes its spans afresh (as the first after an hour settles may) ${ms(newSpansMs)}; ${result.api.items} refreshes and ${result.raw.items} straight runs over ${rounds} alternating rounds.`,
    };
  } finally {
    api.close();
    // The data set as loaded again, for the scenarios after this one.
    await raw.query('delete from positions where unit_id = any($1::uuid[]) and recorded_at >= to_timestamp($2)', [near, dayTo]);
    await raw.query('delete from patrol_reach_hours where hour >= to_timestamp($1)', [Math.floor(dayTo / 3600) * 3600]);
    await raw.query('delete from patrol_reach_spans');
    await raw.end();
  }
}
