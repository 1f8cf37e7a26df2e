import { DashboardIncidentsDocument } from '@vigil/schema';
import pg from 'pg';
import { GraphQLClient } from './http.js';
import { BOROUGHS, offset, rng, square } from './london.js';
import { alternate, concurrently, median, megabytes, ms, percentile, perSecond, throughput } from './measure.js';
import { type Context, type Row, times, verdict } from './scenario.js';

export const CLIENTS = 10;

/**
 * The SQL `incidents(filter: { bbox }, first: 500)` runs (listIncidents through MikroORM,
 * as its query log shows): the total count, then the newest 501 rows (one more than the
 * page, to know whether another page follows).
 */
export const COUNT_SQL = `select count(*) as "count" from "incidents" as "i" where (ST_Intersects(i.location, ST_MakeEnvelope($1, $2, $3, $4, 4326)))`;
export const PAGE_SQL = `select "i".*, ST_AsGeoJSON("i"."location", 15) as "location" from "incidents" as "i"
  where (ST_Intersects(i.location, ST_MakeEnvelope($1, $2, $3, $4, 4326))) order by "i"."occurred_at" desc, "i"."id" desc limit 501`;

/** 2 km squares around the borough centres (within 2 km of one), the same list for both sides. */
function squares(count: number) {
  const random = rng(2);
  return Array.from({ length: count }, () => {
    const b = BOROUGHS[Math.floor(random() * BOROUGHS.length)]!;
    return square(offset([b.lon, b.lat], (random() - 0.5) * 4000, (random() - 0.5) * 4000), 2000);
  });
}

/**
 * Incidents in a bbox: the 500 newest in a 2 km square, 10 clients at once, each sending
 * its next request when the last is answered. Through GraphQL (the dashboard's own
 * document, each client its own analyst) against the same SQL through `pg` on 10
 * connections (the server's pool is 10 too).
 */
export async function bboxScenario(ctx: Context): Promise<Row> {
  const boxes = squares(97);
  const box = (client: number, i: number, round: number) => boxes[(client * 31 + i * 7 + round * 13) % boxes.length]!;
  const perClient = ctx.quick ? 15 : 30;
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
    const viaApi = async (client: number, b: ReturnType<typeof square>) => {
      const { incidents } = await apis[client]!.request(DashboardIncidentsDocument, { filter: { bbox: b }, first: 500 });
      return incidents;
    };
    const viaSql = async (client: number, b: ReturnType<typeof square>) => {
      const args = [b.west, b.south, b.east, b.north];
      const count = await raws[client]!.query<{ count: string }>(COUNT_SQL, args);
      const page = await raws[client]!.query<{ id: string }>(PAGE_SQL, args);
      return { totalCount: Number(count.rows[0]!.count), ids: page.rows.slice(0, 500).map((r) => r.id) };
    };

    // Both sides must do the same work: the same count and the same page.
    const first = boxes[0]!;
    const [api, raw] = [await viaApi(0, first), await viaSql(0, first)];
    if (api.totalCount !== raw.totalCount || api.nodes.map((n) => n.id).join() !== raw.ids.join())
      throw new Error(`bbox: GraphQL (${api.totalCount}) and raw SQL (${raw.totalCount}) disagree`);
    ctx.log(`bbox: ${api.totalCount} incidents in the first square, ${api.nodes.length} returned`);

    const result = await alternate(
      rounds,
      async () => {
        await concurrently(CLIENTS, 3, (c, i) => viaApi(c, box(c, i, 9)).then(() => 1));
        await concurrently(CLIENTS, 3, (c, i) => viaSql(c, box(c, i, 9)).then(() => 1));
      },
      (round) => concurrently(CLIENTS, perClient, (c, i) => viaApi(c, box(c, i, round)).then(() => 1)),
      (round) => concurrently(CLIENTS, perClient, (c, i) => viaSql(c, box(c, i, round)).then(() => 1)),
    );
    const ratio = throughput(result.api) / throughput(result.raw);
    return {
      scenario: `incidents in a bbox (500 newest in a 2 km square), ${CLIENTS} clients`,
      median: ms(median(result.api.latencies)),
      p95: ms(percentile(result.api.latencies, 95)),
      throughput: perSecond(throughput(result.api), 'req'),
      baseline: `same SQL via pg, ${CLIENTS} clients: ${ms(median(result.raw.latencies))} / ${ms(percentile(result.raw.latencies, 95))}, ${perSecond(throughput(result.raw), 'req')}`,
      ratio: `${times(ratio)} throughput`,
      target: '≥ 0.70× raw throughput',
      verdict: verdict(ratio >= 0.7),
      rss: megabytes(process.memoryUsage().rss),
      note: `${result.api.items} requests per side over ${rounds} alternating rounds; each GraphQL request also checks its token (read from the account once every 30 s, CallerCache), validates, costs and executes the operation and serialises 500 rows; the raw side runs only the two incident statements.`,
    };
  } finally {
    for (const a of apis) a.close();
    await Promise.all(raws.map((c) => c.end()));
  }
}
