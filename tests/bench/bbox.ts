import { DashboardIncidentsDocument } from '@vigil/schema';
import { COUNT_BOUND, DarknessFilter, FilterArea, type FilterValues, incidentNodesSql } from '@vigil/server';
import { type FieldNode, Kind, type OperationDefinitionNode } from 'graphql';
import pg from 'pg';
import type { BboxClientsData, BboxCommand, Found, Side } from './bbox-clients.js';
import { cpuCell } from './cpu.js';
import { BOROUGHS, offset, rng, square } from './london.js';
import { interleave, median, megabytes, ms, percentile, perSecond, type Sample, throughput } from './measure.js';
import { type Context, type Row, times, verdict } from './scenario.js';
import { ClientWorker } from './workers.js';

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

/** The fields the dashboard asks of each node, as the resolver hands them to incidentNodesSql. */
function dashboardNodeFields() {
  const operation = DashboardIncidentsDocument.definitions[0] as OperationDefinitionNode;
  const incidents = operation.selectionSet.selections[0] as FieldNode;
  const nodes = incidents.selectionSet!.selections.find((s) => s.kind === Kind.FIELD && s.name.value === 'nodes') as FieldNode;
  return nodes.selectionSet!.selections.map((s) => {
    const f = s as FieldNode;
    return { key: f.alias?.value ?? f.name.value, field: f.name.value };
  });
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
 * its next request when the last is answered (the clients in a worker thread,
 * bench/bbox-clients.ts). Three sides, interleaved round by round:
 * through GraphQL (the dashboard's own document, each client its own analyst); the API's
 * own statement (incidentPageSql, the very Sql the resolver runs) through `pg` on 10
 * connections (the server's pool is 10 too); and the naive statements, a full count and
 * the newest page by ST_Intersects.
 */
export async function bboxScenario(ctx: Context): Promise<Row> {
  const boxes = squares(97);
  const perClient = 15;
  // Four interleaved rounds: the ratio of two runs of two rounds differed by a tenth on a shared machine.
  const rounds = ctx.quick ? 2 : 4;
  const data: BboxClientsData = {
    serverUrl: ctx.server.url,
    dbUrl: ctx.dbUrl,
    tokens: ctx.server.analystTokens.slice(0, CLIENTS),
    boxes,
    statements: boxes.map((b) => {
      const statement = incidentNodesSql(boxFilter(b), PAGE, null, dashboardNodeFields());
      return { text: statement.text, values: statement.values as unknown[] };
    }),
    page: PAGE,
    countBound: COUNT_BOUND,
    naiveCountSql: NAIVE_COUNT_SQL,
    naivePageSql: NAIVE_PAGE_SQL,
  };
  const clients = new ClientWorker(new URL('./bbox-clients.ts', import.meta.url), data);
  const admin = new pg.Client({ connectionString: ctx.dbUrl, application_name: 'vigil-bench' });
  await admin.connect();
  try {
    // Every side must do the same work: the same page, and the same count (the API's
    // exact up to COUNT_BOUND and saying so beyond it). Checked on a few squares, one of
    // them past the bound if the data has one.
    const checked = await clients.call<Record<Side, Found>[]>({ type: 'check', boxes: [...Array(12).keys()] } satisfies BboxCommand);
    let beyond = 0;
    for (const { api, own, naive } of checked) {
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
    ctx.log(`bbox: the three sides agree on ${checked.length} squares (${beyond} with more than ${COUNT_BOUND} incidents)`);

    // Index-only scans skip the heap only for pages the visibility map marks all-visible
    // (VACUUM sets it after the load, unless a standby's snapshot holds it back).
    const { rows: vm } = await admin.query<{ share: number }>(
      `select round(100.0 * relallvisible / greatest(relpages, 1))::int as share from pg_class where relname = 'incidents'`,
    );
    const run = (side: Side, count: number) => (round: number) =>
      clients.call<Sample>({ type: 'run', side, round, perClient: count } satisfies BboxCommand);
    const result = await interleave(
      rounds,
      async () => {
        // Long enough for V8 to have compiled the server's path: with 3 requests a client,
        // TurboFan was still compiling through the rounds on its own threads (2.8 ms of
        // compile time an API request in the second round, 1.1 ms in the fourth), which no
        // server that has been up for a minute pays.
        await run('api', 300)(9);
        await run('own', 30)(9);
        await run('naive', 3)(9);
        await ctx.restartProfile();
      },
      // The naive side is several times slower: half the requests give it as many seconds.
      { api: run('api', perClient), own: run('own', perClient), naive: run('naive', Math.ceil(perClient / 2)) },
    );
    const rate = throughput(result.api);
    const own = rate / throughput(result.own);
    const naive = rate / throughput(result.naive);
    const cpu = (['api', 'own', 'naive'] as const)
      .map((side) => `${side}: ${cpuCell(result[side].cpu, result[side].items, 'request')}`)
      .join('; ');
    ctx.log(`bbox: ${cpu}`);
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
      note: `${result.api.items} requests through the API and as many by its own SQL, ${result.naive.items} by the naive SQL, over ${rounds} interleaved rounds; ${vm[0]!.share} % of the table's pages all-visible. Each GraphQL request also checks its token (read from the account once every 30 s, CallerCache), validates, costs and executes the operation and serialises 500 rows; "own SQL" is the statement the resolver runs for the dashboard's document (incidentNodesSql: the count up to ${COUNT_BOUND.toLocaleString('en-GB')} + 1 and the nodes as the answer's JSON text, in one round trip, both from incidents_point_idx; the API puts that text into its answer unparsed, and each side's client parses what it gets), "naive" a full count(*) and the newest 500 by ST_Intersects. The clients of all three sides run in a worker thread, the server in the main one, with NODE_ENV=production (graphql-js without its development checks). ${cpu}.`,
    };
  } finally {
    await clients.close();
    await admin.end();
  }
}
