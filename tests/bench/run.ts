/**
 * `pnpm bench [--quick] [--profile]`: builds a data set in a throwaway database on the
 * configured PostgreSQL, starts the real server in this process, runs every scenario
 * through the API and beside it the same work done raw, prints a table and writes it to
 * tests/bench/RESULTS.md. Exits 0 unless something crashed: figures are reported, never
 * asserted (targets are marked PASS or MISS).
 */
import 'reflect-metadata';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { bboxScenario } from './bbox.js';
import { coverageScenario, coverageTodayScenario } from './coverage.js';
import { createBenchDatabase, type Dataset, loadDataset, migrateBenchDatabase } from './dataset.js';
import { hexagonScenario, hotspotScenario, kdeScenario } from './hotspots.js';
import { ingestScenario } from './ingest.js';
import { liveScenario } from './live.js';
import { mapScenario } from './map.js';
import { megabytes } from './measure.js';
import { plans47Scenario, plans400Scenario } from './plans.js';
import { Profiler } from './profile.js';
import { replicaScenario } from './replicas.js';
import { table, writeResults } from './report.js';
import type { Context, Row } from './scenario.js';
import { startBenchServer } from './server.js';

const here = dirname(fileURLToPath(import.meta.url));
const quick = process.argv.includes('--quick');
const profiling = process.argv.includes('--profile');
/** `--only=bbox,live`: just those scenarios (while working on one); the results file is left alone. */
const only = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const INCIDENTS = quick ? 100_000 : 1_000_000;
const UNITS = 500;
/** A fix every 30 s for a day: 2,880 per unit, 1.44 million in all. */
const PING_SECONDS = 30;

const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
const log = (message: string) => console.log(`[bench ${elapsed()}] ${message}`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

/**
 * graphql-js reads NODE_ENV once, when it loads: anything but `production` makes it run its
 * development checks (instanceOf on every type it meets, about a fifth of a bbox request's
 * CPU). package.json's bench script sets it, as production does; without it the figures
 * are not production's, and the table says so.
 */
const nodeEnv =
  process.env.NODE_ENV === 'production'
    ? 'NODE_ENV=production'
    : `NODE_ENV=${process.env.NODE_ENV ?? '(unset)'}, NOT production: graphql-js runs its development checks`;
/**
 * Which server runs: package.json's bench script builds server/dist and imports it under the
 * "vigil-built" condition, as production runs it (bin/vigil.mjs). The sources through tsx
 * also run, a little slower: tsx keeps function names by wrapping every function
 * expression in a call, each time one is made.
 */
const serverCode = import.meta.resolve('@vigil/server').includes('/dist/')
  ? "the server's built JavaScript (server/dist), as production runs it"
  : 'the server from its TypeScript sources through tsx, NOT as production runs it';
const machine = `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), ${megabytes(totalmem())} memory (${megabytes(freemem())} free at start), Node ${process.version}`;
const loadAtStart = load();
log(`${quick ? 'quick' : 'full'} run on ${machine}; ${nodeEnv}; ${serverCode}; load average ${loadAtStart}`);

const db = await createBenchDatabase(adminUrl);
let stopping = false;
const onSignal = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: dropping ${db.name}`);
  await db.drop().catch(() => {});
  process.exit(130);
};
process.on('SIGINT', () => void onSignal('SIGINT'));
process.on('SIGTERM', () => void onSignal('SIGTERM'));

let failed = false;
try {
  await migrateBenchDatabase(db.url);
  const database = `${new URL(adminUrl).host}, ${await versionOf(db.url)}`;
  log(`database ${db.name} on ${database}`);
  const rules = { radiusMetres: 50, gapSeconds: 120 };
  const dataset: Dataset = await loadDataset(db.url, { incidents: INCIDENTS, units: UNITS, pingSeconds: PING_SECONDS }, rules);
  const t = dataset.timings;
  const loadSeconds = Object.values(t).reduce((a, b) => a + b, 0);
  const dataLine = `${dataset.counts.incidents.toLocaleString('en-GB')} incidents over two years across Greater London, ${UNITS} units with ${dataset.counts.positions.toLocaleString('en-GB')} positions (a day, one fix every ${PING_SECONDS} s), ${dataset.counts.sites} sites, ${dataset.counts.zones} ward zones, ${dataset.counts.visits} visits`;
  log(`loaded ${dataLine}`);
  const loadLine = `loaded in ${loadSeconds.toFixed(1)} s (rows ${t.rows?.toFixed(1)} s, indexes ${t.indexes?.toFixed(1)} s, visits ${t.visits?.toFixed(1)} s, vacuum and analyze ${t.analyze?.toFixed(1)} s)`;
  log(loadLine);

  const server = await startBenchServer(
    db.url,
    10,
    dataset.units.map((u) => u.id),
  );
  log(`server at ${server.url}`);
  const rssLoaded = process.memoryUsage().rss;
  const rows: Row[] = [];
  const profiler = profiling ? new Profiler(join(here, 'profiles'), log) : null;
  const ctx: Context = { quick, dbUrl: db.url, dataset, server, log, restartProfile: async () => profiler?.restart() };
  const scenarios: [string, (c: Context) => Promise<Row>][] = [
    ['bbox', bboxScenario],
    ['hotspots', hotspotScenario],
    ['hexagons', hexagonScenario],
    ['kde', kdeScenario],
    ['coverage', coverageScenario],
    ['coverage', coverageTodayScenario],
    ['ingest', ingestScenario],
    ['live', liveScenario],
    ['plans-47', plans47Scenario],
    ['plans-400', plans400Scenario],
    ['replicas', replicaScenario],
    ['map', mapScenario],
  ];
  try {
    for (const [name, scenario] of scenarios) {
      if (only && !only.includes(name)) continue;
      log(`${name}: running (load average ${load()})`);
      await profiler?.start();
      try {
        const row = await scenario(ctx);
        rows.push(row);
        log(`${name}: ${row.median}, ${row.p95}, ${row.throughput}; raw ${row.baseline}; ${row.ratio} ${row.verdict}`);
      } catch (error) {
        failed = true;
        log(`${name}: FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
        rows.push({
          scenario: name,
          median: '–',
          p95: '–',
          throughput: '–',
          baseline: '–',
          ratio: '–',
          target: `FAILED: ${error instanceof Error ? error.message.slice(0, 120) : String(error)}`,
          verdict: '',
          rss: megabytes(process.memoryUsage().rss),
        });
      } finally {
        await profiler?.stop(name);
      }
    }
  } finally {
    await server.stop();
  }
  const peak = Math.max(rssLoaded, ...rows.map((r) => Number.parseInt(r.rss, 10) * 1048576).filter(Number.isFinite));
  rows.push({
    scenario: 'memory: RSS of this process (server, clients, baselines)',
    median: `${megabytes(rssLoaded)} loaded`,
    p95: `${megabytes(peak)} peak`,
    throughput: '–',
    baseline: 'after each scenario: RSS column',
    ratio: `${(peak / rssLoaded).toFixed(2)}× peak ÷ loaded`,
    target: '(none set)',
    verdict: '',
    rss: megabytes(process.memoryUsage().rss),
  });

  const loadAtEnd = load();
  const output = table(rows);
  console.log(`\n${output}\n`);
  const notes = rows.filter((r) => r.note).map((r) => `- ${r.scenario}: ${r.note}`);
  const section = [
    `## ${quick ? 'Quick run (`pnpm bench --quick`)' : 'Full run (`pnpm bench`)'}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `- Machine: ${machine}; database ${database}; ${nodeEnv}; ${serverCode}.`,
    `- Load average (1, 5, 15 min): ${loadAtStart} at the start, ${loadAtEnd} at the end (other work shares the machine).`,
    `- Data: ${dataLine}; ${loadLine}.`,
    `- Ran in ${((performance.now() - started) / 1000).toFixed(0)} s (the full run is kept under 6 minutes: since issue 16, hot spots run 7 requests a round rather than 10, plans 2 runs rather than 3, live 1 round of 15 s rather than 2 of 20 s, replicas 10 s a phase rather than 15, bbox 15 requests a client a round rather than 30, and the 500 device tokens are signed without a statement each).`,
    '',
    output,
    '',
    'Ratio is API ÷ raw on the measure named in the cell (throughput: higher is better; time: lower is better).',
    '',
    ...notes,
  ].join('\n');
  const file = join(here, 'RESULTS.md');
  if (only) log(`not written to ${file} (--only); load average ${loadAtEnd}`);
  else {
    writeResults(file, quick ? 'quick' : 'full', section);
    log(`written to ${file}; load average ${loadAtEnd}`);
  }
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await db.drop().catch((error) => console.error(`could not drop ${db.name}:`, error));
  log(`dropped ${db.name}`);
}
process.exit(failed ? 1 : 0);

async function versionOf(url: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const { rows } = await c.query<{ v: string }>(
      `select split_part(version(), ' on ', 1) || ', PostGIS ' || postgis_lib_version()
              || ' (shared_buffers ' || current_setting('shared_buffers') || ', work_mem ' || current_setting('work_mem')
              || ', jit ' || current_setting('jit') || ', max_parallel_workers_per_gather ' || current_setting('max_parallel_workers_per_gather') || ')' as v`,
    );
    return rows[0]!.v;
  } finally {
    await c.end();
  }
}
