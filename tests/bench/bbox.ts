import { DashboardIncidentsDocument } from '@vigil/schema';
import { COUNT_BOUND, DarknessFilter, FilterArea, type FilterValues, incidentPageSql } from '@vigil/server';
import pg from 'pg';
import { GraphQLClient } from './http.js';
import { BOROUGHS, offset, rng, square } from './london.js';
import { concurrently, interleave, median, megabytes, ms, percentile, perSecond, type Sample, throughput } from './measure.js';
import { type Context, type Row, times, verdict } from './scenario.js';

export const CLIENTS = 10;
const PAGE = 500;

/**
 * The naive baseline: the statements one would write first, a count of the box and its
 * newest 500 by ST_Intersects on the GiST index, each reading the row of every incident
 * in the box (bitmap heap scans).
 */
export const NAIVE_COUNT_SQL = `select count(*) as "count" from incidents where ST_Intersects(location, ST_MakeEnvelope($1, $2, $3, $4, 4326))`;
export const NAIVE_PAGE_SQL = `select * from incidents where ST_Intersects(location, ST_MakeEnvelope($1, $2, $3, $4, 4326))
  order by occurred_at desc, id desc limit ${PAGE}`;

type Box = ReturnType<typeof square>;

/** The filter `incidents(filter: { bbox })` applies, as the server's applyFilter fills it in. */
function boxFilter(bbox: Box): FilterValues {
  return {
    categories: null,
    hateCrime: null,
    hateCrimeFlags: null,
    darkness: DarknessFilter.ANY,
    from: null,
    to: null,
    area: FilterArea.BBOX,
    bbox,
    within: null,
    zoneId: null,
    commandArea: null,
    zoneName: null,
  };
}

/** 2 km squares around the borough centres (within 2 km of one), the same list for every side. */
function squares(count: number) {
  const random = rng(2);
  return Array.from({ length: count }, () => {
    const b = BOROUGHS[Math.floor(random() * BOROUGHS.length)]!;
    return square(offset([b.lon, b.lat], (random() - 0.5) * 4000, (random() - 0.5) * 4000), 2000);
  });
}

/**
 * Incidents in a bbox: the 500 newest in a 2 km square, 10 clients at once, each sending
 * its next request when the last is answered. Three sides, interleaved round by round:
 * through GraphQL (the dashboard's own document, each client its own analyst); the API's
 * own statement (incidentPageSql, the very Sql the resolver runs) through `pg` on 10
 * connections (the server's pool is 10 too); and the naive statements, a full count and
 * the newest page by ST_Intersects.
 */
export async function bboxScenario(ctx: Context): Promise<Row> {
  const boxes = squares(97);
  const box = (client: number, i: number, round: number) => boxes[(client * 31 + i * 7 + round * 13) % boxes.length]!;
  const perClient = ctx.quick ? 15 : 20;
  const rounds = 2;

  const apis = ctx.server.analystTokens.slice(0, CLIENTS).map((token) => new GraphQLClient(ctx.server.url, token));
  const raws = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const c = new pg.Client({ connectionString: ctx.dbUrl, application_name: 'vigil-bench-raw' });
      await c.connect();
      return c;
    }),
  );
  try {
    const viaApi = async (client: number, b: Box) => {
      const { incidents } = await apis[client]!.request(DashboardIncidentsDocument, { filter: { bbox: b }, first: PAGE });
      return { totalCount: incidents.totalCount, exact: incidents.totalCountIsExact, ids: incidents.nodes.map((n) => n.id) };
    };
    const viaOwnSql = async (client: number, b: Box) => {
      const statement = incidentPageSql(boxFilter(b), PAGE, null);
      const { rows } = await raws[client]!.query<{ total: number; page: [string, ...unknown[]][] }>(
        statement.text,
        statement.values as unknown[],
      );
      const { total, page } = rows[0]!;
      return { totalCount: Math.min(total, COUNT_BOUND), exact: total <= COUNT_BOUND, ids: page.slice(0, PAGE).map((e) => e[0]) };
    };
    const viaNaive = async (client: number, b: Box) => {
      const args = [b.west, b.south, b.east, b.north];
      const count = await raws[client]!.query<{ count: string }>(NAIVE_COUNT_SQL, args);
      const page = await raws[client]!.query<{ id: string }>(NAIVE_PAGE_SQL, args);
      return { totalCount: Number(count.rows[0]!.count), ids: page.rows.map((r) => r.id) };
    };

    // Every side must do the same work: the same page, and the same count (the API's
    // exact up to COUNT_BOUND and saying so beyond it). Checked on a few squares, one of
    // them past the bound if the data has one.
    let beyond = 0;
    for (const b of boxes.slice(0, 12)) {
      const [api, own, naive] = [await viaApi(0, b), await viaOwnSql(0, b), await viaNaive(0, b)];
      const same =
        api.ids.join() === own.ids.join() &&
        api.ids.join() === naive.ids.join() &&
        api.totalCount === own.totalCount &&
        api.exact === own.exact &&
        api.totalCount === Math.min(naive.totalCount, COUNT_BOUND) &&
        api.exact === naive.totalCount <= COUNT_BOUND;
      if (!same)
        throw new Error(`bbox: GraphQL (${api.totalCount}), its SQL (${own.totalCount}) and the naive SQL (${naive.totalCount}) disagree`);
      if (!api.exact) beyond++;
    }
    ctx.log(`bbox: the three sides agree on 12 squares (${beyond} with more than ${COUNT_BOUND} incidents)`);

    const side = (run: (c: number, b: Box) => Promise<unknown>) => (round: number) =>
      concurrently(CLIENTS, perClient, (c, i) => run(c, box(c, i, round)).then(() => 1));
    const result = await interleave(
      rounds,
      async () => {
        for (const run of [viaApi, viaOwnSql, viaNaive]) await concurrently(CLIENTS, 3, (c, i) => run(c, box(c, i, 9)).then(() => 1));
        await ctx.restartProfile();
      },
      { api: side(viaApi), own: side(viaOwnSql), naive: side(viaNaive) },
    );
    const rate = throughput(result.api);
    const own = rate / throughput(result.own);
    const naive = rate / throughput(result.naive);
    const cell = (s: Sample) => `${ms(median(s.latencies))} / ${ms(percentile(s.latencies, 95))}, ${perSecond(throughput(s), 'req')}`;
    return {
      scenario: `incidents in a bbox (500 newest in a 2 km square), ${CLIENTS} clients`,
      median: ms(median(result.api.latencies)),
      p95: ms(percentile(result.api.latencies, 95)),
      throughput: perSecond(rate, 'req'),
      baseline: `its own SQL via pg, ${CLIENTS} clients: ${cell(result.own)}; naive SQL: ${cell(result.naive)}`,
      ratio: `${times(own)} own SQL, ${times(naive)} naive (throughput)`,
      target: '≥ 0.80× own SQL and ≥ 2× naive',
      verdict: verdict(own >= 0.8 && naive >= 2),
      rss: megabytes(process.memoryUsage().rss),
      note: `${result.api.items} requests per side over ${rounds} interleaved rounds (API, own SQL, naive). Each GraphQL request also checks its token (read from the account once every 30 s, CallerCache), validates, costs and executes the operation and serialises 500 rows; "own SQL" is the statement the resolver runs (incidentPageSql: the count up to ${COUNT_BOUND.toLocaleString('en-GB')} + 1 and the page as one JSON value, in one round trip, both from incidents_point_idx), "naive" a full count(*) and the newest 500 by ST_Intersects. The server runs with NODE_ENV=production (graphql-js without its development checks).`,
    };
  } finally {
    for (const a of apis) a.close();
    await Promise.all(raws.map((c) => c.end()));
  }
}
