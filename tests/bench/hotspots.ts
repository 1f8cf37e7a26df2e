import { HotspotsDocument } from '@vigil/schema';
import pg from 'pg';
import { GraphQLClient } from './http.js';
import { alternate, concurrently, median, megabytes, ms, percentile, perSecond, throughput } from './measure.js';
import { GI_STAR_SQL } from './raw-sql.js';
import { type Context, type Row, times, verdict } from './scenario.js';

const YEAR_MS = 365 * 86_400_000;

/**
 * Hot spots: Getis–Ord Gi* on 250 m cells over Camden for the last year, one analyst at
 * a time, through GraphQL (the analysts' `Hotspots` document) against the same analysis in
 * one SQL statement through `pg` (cells, counts, z-scores, bins and cell polygons).
 */
export async function hotspotScenario(ctx: Context): Promise<Row> {
  const to = new Date(ctx.dataset.now * 1000);
  const from = new Date(to.getTime() - YEAR_MS);
  const input = {
    filter: { within: ctx.dataset.camden, from: from.toISOString(), to: to.toISOString() },
    cellSize: 250,
    method: 'GI_STAR' as const,
  };
  const area = JSON.stringify(ctx.dataset.camden);
  const api = new GraphQLClient(ctx.server.url, ctx.server.analystTokens[0]!);
  const raw = new pg.Client({ connectionString: ctx.dbUrl, application_name: 'vigil-bench-raw' });
  await raw.connect();
  try {
    const viaApi = async () => (await api.request(HotspotsDocument, { input })).hotspots;
    const viaSql = async () => (await raw.query<{ n: number; confidence: string; geometry: string }>(GI_STAR_SQL, [area, from, to])).rows;

    const [a, r] = [await viaApi(), await viaSql()];
    const rawIncidents = r.reduce((sum, c) => sum + c.n, 0);
    const rawHot99 = r.filter((c) => c.confidence === 'HOT_99').length;
    if (a.summary.cellCount !== r.length || a.summary.incidentCount !== rawIncidents || a.summary.hot99 !== rawHot99)
      throw new Error(
        `hot spots: GraphQL (${a.summary.cellCount} cells, ${a.summary.incidentCount} incidents, ${a.summary.hot99} at 99 %) and raw SQL (${r.length}, ${rawIncidents}, ${rawHot99}) disagree`,
      );
    ctx.log(`hot spots: ${a.summary.incidentCount} incidents in ${a.summary.cellCount} cells, ${a.summary.hot99} hot at 99 %`);

    const runs = ctx.quick ? 8 : 10;
    const result = await alternate(
      2,
      async () => {
        await concurrently(1, 2, () => viaApi().then(() => 1));
        await concurrently(1, 2, () => viaSql().then(() => 1));
      },
      () => concurrently(1, runs, () => viaApi().then(() => 1)),
      () => concurrently(1, runs, () => viaSql().then(() => 1)),
    );
    const ratio = median(result.api.latencies) / median(result.raw.latencies);
    const apiMedian = median(result.api.latencies);
    const full = !ctx.quick;
    return {
      scenario: 'hot spots (Gi*, 250 m, Camden, one year), 1 client',
      median: ms(apiMedian),
      p95: ms(percentile(result.api.latencies, 95)),
      throughput: perSecond(throughput(result.api), 'req'),
      baseline: `one SQL statement via pg: ${ms(median(result.raw.latencies))} / ${ms(percentile(result.raw.latencies, 95))}, ${perSecond(throughput(result.raw), 'req')}`,
      ratio: `${times(ratio)} median time`,
      target: full ? '≤ 1.5× raw, median ≤ 150 ms (1M)' : '≤ 1.5× raw (150 ms applies at 1M)',
      verdict: verdict(ratio <= 1.5 && (!full || apiMedian <= 150)),
      rss: megabytes(process.memoryUsage().rss),
      note: `${a.summary.incidentCount} incidents, ${a.summary.cellCount} cells; ${result.api.items} requests per side over 2 alternating rounds.`,
    };
  } finally {
    api.close();
    await raw.end();
  }
}
