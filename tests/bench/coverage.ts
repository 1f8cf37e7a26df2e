import { CoverageDocument } from '@vigil/schema';
import pg from 'pg';
import { GraphQLClient } from './http.js';
import { alternate, concurrently, median, megabytes, ms, percentile, perSecond, throughput } from './measure.js';
import { CELL_DOSAGE_SQL, GI_STAR_SQL, SITE_COVERAGE_SQL, ZONE_COVERAGE_SQL } from './raw-sql.js';
import { type Context, type Row, times } from './scenario.js';

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

    // The check above ran both sides once: that is the warm-up.
    const rounds = 3;
    const runs = ctx.quick ? 1 : 2;
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
