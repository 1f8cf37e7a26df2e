import { type HotspotInput, HotspotsDocument } from '@vigil/schema';
import pg from 'pg';
import { GraphQLClient } from './http.js';
import { alternate, concurrently, median, megabytes, ms, percentile, perSecond, throughput } from './measure.js';
import { GI_STAR_SQL, HEX_GI_STAR_SQL, KDE_SQL } from './raw-sql.js';
import { type Context, type Row, times, verdict } from './scenario.js';

const YEAR_MS = 365 * 86_400_000;
/** A hexagon of this edge has the area of a 250 m square (3√3/2 · e² = 62,500 m²): the same cells, in number and size. */
export const HEX_EDGE = Math.round(250 / Math.sqrt((3 * Math.sqrt(3)) / 2));

interface GridRun {
  label: string;
  input: Omit<HotspotInput, 'filter'>;
  rawSql: string;
  rawParams: (area: string, from: Date, to: Date) => unknown[];
  /** Check the raw result agrees with the API's (same cells, incidents, bins), or throw. */
  agree?: boolean;
}

/** Median time of the square Gi* map through the API, kept for the hexagon and KDE rows' targets. */
let squareGiStarMedian = Number.NaN;

/**
 * Hot spots over Camden for the last year, one analyst at a time, through GraphQL (the
 * analysts' `Hotspots` document) against the same analysis in one SQL statement through
 * `pg` (cells, scores and cell polygons).
 */
async function gridScenario(ctx: Context, run: GridRun) {
  const to = new Date(ctx.dataset.now * 1000);
  const from = new Date(to.getTime() - YEAR_MS);
  const input = { ...run.input, filter: { within: ctx.dataset.camden, from: from.toISOString(), to: to.toISOString() } };
  const area = JSON.stringify(ctx.dataset.camden);
  const api = new GraphQLClient(ctx.server.url, ctx.server.analystTokens[0]!);
  const raw = new pg.Client({ connectionString: ctx.dbUrl, application_name: 'vigil-bench-raw' });
  await raw.connect();
  try {
    const viaApi = async () => (await api.request(HotspotsDocument, { input })).hotspots;
    const viaSql = async () =>
      (await raw.query<{ n?: number; confidence?: string; geometry: string }>(run.rawSql, run.rawParams(area, from, to))).rows;

    const [a, r] = [await viaApi(), await viaSql()];
    if (a.summary.cellCount !== r.length) throw new Error(`${run.label}: GraphQL has ${a.summary.cellCount} cells, raw SQL ${r.length}`);
    if (run.agree) {
      const rawIncidents = r.reduce((sum, c) => sum + (c.n ?? 0), 0);
      const rawHot99 = r.filter((c) => c.confidence === 'HOT_99').length;
      if (a.summary.incidentCount !== rawIncidents || a.summary.hot99 !== rawHot99)
        throw new Error(
          `${run.label}: GraphQL (${a.summary.incidentCount} incidents, ${a.summary.hot99} at 99 %) and raw SQL (${rawIncidents}, ${rawHot99}) disagree`,
        );
    }
    ctx.log(`${run.label}: ${a.summary.incidentCount} incidents in ${a.summary.cellCount} cells, ${a.summary.hot99} hot at 99 %`);
    // 7 a round, 14 a side (10 before): the full run has to stay under 6 minutes.
    const runs = ctx.quick ? 6 : 7;
    const result = await alternate(
      2,
      async () => {
        await concurrently(1, 2, () => viaApi().then(() => 1));
        await concurrently(1, 2, () => viaSql().then(() => 1));
      },
      () => concurrently(1, runs, () => viaApi().then(() => 1)),
      () => concurrently(1, runs, () => viaSql().then(() => 1)),
    );
    return { a, result, apiMedian: median(result.api.latencies), rawMedian: median(result.raw.latencies) };
  } finally {
    api.close();
    await raw.end();
  }
}

function row(label: string, m: Awaited<ReturnType<typeof gridScenario>>, target: string, ok: boolean, note: string): Row {
  return {
    scenario: label,
    median: ms(m.apiMedian),
    p95: ms(percentile(m.result.api.latencies, 95)),
    throughput: perSecond(throughput(m.result.api), 'req'),
    baseline: `one SQL statement via pg: ${ms(m.rawMedian)} / ${ms(percentile(m.result.raw.latencies, 95))}, ${perSecond(throughput(m.result.raw), 'req')}`,
    ratio: `${times(m.apiMedian / m.rawMedian)} median time`,
    target,
    verdict: verdict(ok),
    rss: megabytes(process.memoryUsage().rss),
    note: `${m.a.summary.incidentCount} incidents, ${m.a.summary.cellCount} cells; ${m.result.api.items} requests per side over 2 alternating rounds. ${note}`,
  };
}

/** Getis–Ord Gi* on 250 m squares (the default map). */
export async function hotspotScenario(ctx: Context): Promise<Row> {
  const m = await gridScenario(ctx, {
    label: 'hot spots',
    input: { cellSize: 250, method: 'GI_STAR' },
    rawSql: GI_STAR_SQL,
    rawParams: (area, from, to) => [area, from, to],
    agree: true,
  });
  squareGiStarMedian = m.apiMedian;
  const ratio = m.apiMedian / m.rawMedian;
  const full = !ctx.quick;
  return row(
    'hot spots (Gi*, 250 m, Camden, one year), 1 client',
    m,
    full ? '≤ 1.5× raw, median ≤ 150 ms (1M)' : '≤ 1.5× raw (150 ms applies at 1M)',
    ratio <= 1.5 && (!full || m.apiMedian <= 150),
    '',
  );
}

/** The square Gi* median, measured here when its own row did not run (--only). */
async function squareMedian(ctx: Context): Promise<number> {
  if (Number.isNaN(squareGiStarMedian)) await hotspotScenario(ctx);
  return squareGiStarMedian;
}

/** Gi* on hexagons of the same cell area, against a plain hexagon statement; target: within 2× of the square map. */
export async function hexagonScenario(ctx: Context): Promise<Row> {
  const m = await gridScenario(ctx, {
    label: 'hexagon hot spots',
    input: { cellSize: HEX_EDGE, shape: 'HEXAGON', method: 'GI_STAR' },
    rawSql: HEX_GI_STAR_SQL,
    rawParams: (area, from, to) => [area, from, to, HEX_EDGE],
    agree: true,
  });
  const vsSquares = m.apiMedian / (await squareMedian(ctx));
  return row(
    `hot spots (Gi*, ${HEX_EDGE} m hexagons = 250 m squares' area, Camden, one year), 1 client`,
    m,
    `≤ 2× square Gi* via the API (${ms(squareGiStarMedian)}): ${times(vsSquares)}`,
    vsSquares <= 2,
    `Square Gi* through the API, same run: ${ms(squareGiStarMedian)} median.`,
  );
}

/** Quartic KDE on 250 m squares, 500 m bandwidth; target: within 2× of Gi* at the same size. */
export async function kdeScenario(ctx: Context): Promise<Row> {
  const m = await gridScenario(ctx, {
    label: 'KDE',
    input: { cellSize: 250, method: 'KDE', bandwidth: 500 },
    rawSql: KDE_SQL,
    rawParams: (area, from, to) => [area, from, to],
  });
  const vsGiStar = m.apiMedian / (await squareMedian(ctx));
  return row(
    'hot spots (quartic KDE, 250 m, bandwidth 500 m, Camden, one year), 1 client',
    m,
    `≤ 2× square Gi* via the API (${ms(squareGiStarMedian)}): ${times(vsGiStar)}`,
    vsGiStar <= 2,
    `Square Gi* through the API, same run: ${ms(squareGiStarMedian)} median.`,
  );
}
