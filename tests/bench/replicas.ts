import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HotspotsDocument, RecordPositionsDocument } from '@vigil/schema';
import { loadConfig, openDatabase, startServer } from '@vigil/server';
import pg from 'pg';
import { GraphQLClient } from './http.js';
import { positionAt } from './london.js';
import { median, ms, perSecond } from './measure.js';
import { type Context, type Row, times } from './scenario.js';

const here = dirname(fileURLToPath(import.meta.url));
const ANALYSTS = 4;
const DEVICES = 10;
const BATCH = 500;
const YEAR_MS = 365 * 86_400_000;

/**
 * Analytics on a hot standby: N analysts running Gi* (Camden, a year, 250 m) back to back
 * while 10 devices ingest batches of 500, first with every read on the primary, then with
 * a hot standby serving the analysts (a server with DATABASE_REPLICA_URLS). The standby is
 * made here with `.ci/standby` (pg_basebackup -R of the bench's PostgreSQL) unless
 * VIGIL_BENCH_STANDBY names one. On one machine the primary and the standby share its
 * cores, so the point is the ratio, not the absolute figures: on separate machines the
 * primary is relieved of the analysts altogether.
 */
export async function replicaScenario(ctx: Context): Promise<Row> {
  const seconds = ctx.quick ? 8 : 10;
  const made = process.env.VIGIL_BENCH_STANDBY ? null : join('/tmp', `vigil-bench-standby-${process.pid}`);
  const standbyBase = process.env.VIGIL_BENCH_STANDBY ?? startStandby(made as string, ctx);
  const database = new URL(ctx.dbUrl).pathname.slice(1);
  const replicaUrl = new URL(standbyBase);
  replicaUrl.pathname = `/${database}`;
  const config = loadConfig({
    DATABASE_URL: ctx.dbUrl,
    DATABASE_REPLICA_URLS: replicaUrl.toString(),
    PORT: '0',
    VIGIL_ENV: 'production',
    JWT_SECRET: ctx.server.config.jwtSecret,
    VIGIL_DATA_DIR: ctx.server.config.dataDir,
  });
  const opened = await openDatabase(config, { migrate: false, log: ctx.log });
  const withReplica = await startServer({
    config,
    orm: opened.orm,
    database: 'postgres',
    replicas: opened.replicas,
    clientDir: '/nonexistent',
  });
  // Units 20… (the ingest scenario uses the first 20), each taking at most 40 batches (5.6 h of fixes, before now).
  const units = ctx.dataset.units.slice(20);
  let nextBatch = 0;
  const takeBatch = () => {
    const k = nextBatch++;
    const unit = units[k % units.length]!;
    const batch = Math.floor(k / units.length);
    if (batch >= 40) throw new Error('replicas: out of fresh unit-hours to ingest');
    return { unit, batch };
  };
  try {
    await waitHealthy(opened.replicas!.status.bind(opened.replicas), ctx);
    const to = new Date(ctx.dataset.now * 1000);
    const input = {
      filter: { within: ctx.dataset.camden, from: new Date(to.getTime() - YEAR_MS).toISOString(), to: to.toISOString() },
      cellSize: 250,
      method: 'GI_STAR' as const,
    };
    const phase = async (url: string) => {
      const analysts = ctx.server.analystTokens.slice(0, ANALYSTS).map((token) => new GraphQLClient(url, token));
      const devices = new Map<string, GraphQLClient>();
      const latencies: number[] = [];
      let fixes = 0;
      const until = performance.now() + seconds * 1000;
      const start = performance.now();
      await Promise.all([
        ...analysts.map(async (client) => {
          while (performance.now() < until) {
            const t = performance.now();
            await client.request(HotspotsDocument, { input });
            latencies.push(performance.now() - t);
          }
        }),
        ...Array.from({ length: DEVICES }, async () => {
          while (performance.now() < until) {
            const { unit, batch } = takeBatch();
            const client = devices.get(unit.id) ?? new GraphQLClient(url, ctx.server.deviceTokens.get(unit.id)!);
            devices.set(unit.id, client);
            const positions = Array.from({ length: BATCH }, (_, k) => {
              const t = ctx.dataset.dayTo + batch * BATCH + k;
              const [longitude, latitude] = positionAt(unit.path, t);
              return { recordedAt: new Date(t * 1000).toISOString(), longitude, latitude, accuracy: 5 };
            });
            const { recordPositions } = await client.request(RecordPositionsDocument, { unitId: unit.id, positions });
            fixes += recordPositions.accepted;
          }
        }),
      ]);
      const elapsed = (performance.now() - start) / 1000;
      for (const c of [...analysts, ...devices.values()]) c.close();
      return { analytics: latencies.length / elapsed, median: median(latencies), ingest: fixes / elapsed };
    };
    const primaryOnly = await phase(ctx.server.url);
    const replicated = await phase(withReplica.url);
    const servedThere = await standbySessions(standbyBase, database);
    if (servedThere === 0) throw new Error("replicas: no session on the standby ran an analyst's statement");
    const lag = opened.replicas!.status()[0]!;
    ctx.log(
      `replicas: primary only ${primaryOnly.analytics.toFixed(2)} Gi*/s + ${Math.round(primaryOnly.ingest)} pos/s; with a standby ${replicated.analytics.toFixed(2)} Gi*/s + ${Math.round(replicated.ingest)} pos/s (standby ${lag.state}, lag ${lag.lagSeconds} s)`,
    );
    return {
      scenario: `analytics on a hot standby: ${ANALYSTS} analysts (Gi*, Camden, a year) while ${DEVICES} devices ingest`,
      median: `${ms(replicated.median)} a Gi*`,
      p95: `standby lag ${lag.lagSeconds ?? '–'} s at the end`,
      throughput: `${perSecond(replicated.analytics, 'Gi*')} + ${perSecond(replicated.ingest, 'pos')}`,
      baseline: `all on the primary: ${ms(primaryOnly.median)} a Gi*, ${perSecond(primaryOnly.analytics, 'Gi*')} + ${perSecond(primaryOnly.ingest, 'pos')}`,
      ratio: `analytics ${times(replicated.analytics / primaryOnly.analytics)}, ingest ${times(replicated.ingest / primaryOnly.ingest)}`,
      target: '(ratios reported; both servers share this machine)',
      verdict: '',
      rss: `${Math.round(process.memoryUsage().rss / 1048576)} MB`,
      note: `${seconds} s a phase, primary only first. The standby is a second PostgreSQL on the same ${cpus().length}-core machine, so its Gi* work competes with the primary for the same cores; on its own machine the primary would carry only ingest. Sessions on the standby whose last statement was an analyst's: ${servedThere}.`,
    };
  } finally {
    await withReplica.stop();
    await opened.close();
    if (made) execFileSync(join(here, '../../.ci/standby'), ['stop', made]);
  }
}

function startStandby(folder: string, ctx: Context): string {
  let port = 55433;
  const taken = (p: number) => {
    try {
      execFileSync('pg_isready', ['-q', '-h', '127.0.0.1', '-p', String(p)]);
      return true;
    } catch {
      return false;
    }
  };
  while (taken(port)) port++;
  const started = performance.now();
  const url = execFileSync(join(here, '../../.ci/standby'), ['start', folder, String(port)], { encoding: 'utf8' }).trim();
  ctx.log(`replicas: hot standby at ${url} (pg_basebackup in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  return url;
}

async function waitHealthy(status: () => { state: string }[], ctx: Context): Promise<void> {
  for (let k = 0; k < 120; k++) {
    if (status()[0]?.state === 'healthy') return;
    await new Promise((r) => setTimeout(r, 500));
  }
  ctx.log(`replicas: the standby is ${status()[0]?.state} after 60 s`);
}

/** Sessions of Vigil's replica pool on the standby whose last statement was not a probe (pg_stat_activity cuts long texts short). */
async function standbySessions(base: string, database: string): Promise<number> {
  const u = new URL(base);
  u.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      `select count(*)::text as n from pg_stat_activity
       where datname = current_database() and application_name = 'vigil-replica-reads' and query !~ 'pg_is_in_recovery'`,
    );
    return Number(rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}
