import 'reflect-metadata';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoUsers } from '@vigil/seeds';
import { settleReach } from './analytics/reach.js';
import { type Config, ConfigError, loadConfig, repoRoot } from './config.js';
import { buildDashboardIfMissing, defaultClientDir } from './dashboard/dashboard.js';
import { cancelPoolStatements } from './db/cancel.js';
import { type Database, openDatabase } from './db/database.js';
import { migrate, POOL_APPLICATION_NAME } from './db/orm.js';
import { queryOne, sql } from './db/sql.js';
import { startLiveSimulator } from './demo/live.js';
import { seedDemo } from './demo/seed.js';
import { printSdl } from './graphql/schema.js';
import { STOP_GRACE_MS, startServer, type VigilServer } from './http/server.js';
import { EXPORT_USAGE, IMPORT_USAGE, runExport, runImport } from './imports/commands.js';
import { progressBar } from './imports/progress.js';
import { publishIngest } from './live/live.service.js';
import { purgePositions } from './patrols/retention.service.js';
import { StartupError } from './shared/startup-error.js';

const HELP = `vigil <command>

  serve     migrate, then serve the dashboard and API on one port
  demo      like serve, loading the demo data first if the database is empty
  migrate   apply pending database migrations
  seed      load the demo data (users, ward zones, sites, incidents, units and traces)
            options: --seed <text> --scale <0..1> --days <incident days> --patrol-days <n>
  import    load a file: crimes, gpx, positions, sites, zones or streets (see below)
  export    write zones or sites as GeoJSON
  purge     delete positions older than POSITION_RETENTION_DAYS (serve also does this daily)
  schema    write the GraphQL SDL to schema/schema.graphql

${IMPORT_USAGE}
${EXPORT_USAGE}

Configuration comes from the environment (see README). With no DATABASE_URL,
Vigil runs an embedded PostGIS (PGlite) under VIGIL_DATA_DIR (default .vigil/).`;

async function withDatabase<T>(config: Config, work: (db: Database) => Promise<T>, { report = false } = {}): Promise<T> {
  const db = await openDatabase(config);
  if (report) for (const name of db.migrationsApplied) console.log(`Applied ${name}`);
  try {
    return await work(db);
  } finally {
    await db.close();
  }
}

/**
 * At start and daily: the retention purge; at start and hourly: the patrol reach of the
 * hours and days that settled since (analytics/reach.ts settleReach), so requests rarely
 * compute any. Both are idempotent, so several instances doing them at once only repeat
 * work that finds nothing to do.
 */
function scheduleDaily(db: Database, config: Config): { stop: () => Promise<void> } {
  const stopping = new AbortController();
  let purgedAt = 0;
  const run = async () => {
    if (Date.now() - purgedAt >= 23.5 * 3600 * 1000) {
      purgedAt = Date.now();
      try {
        const { deleted } = await purgePositions(db.orm.em.fork() as never, config.positionRetentionDays);
        if (deleted > 0) console.log(`Retention: purged ${deleted} positions older than ${config.positionRetentionDays} days.`);
      } catch (error) {
        // Stopping cancels the statement in progress: that is no failure.
        if (!stopping.signal.aborted) console.error('retention purge failed:', error);
      }
    }
    // An hour or a day per statement, so requests get their turn in between.
    try {
      const rules = { radiusMetres: config.visitRadiusMetres, gapSeconds: config.visitGapSeconds };
      await settleReach(db.orm.em.fork() as never, rules, new Date(), stopping.signal);
    } catch (error) {
      if (!stopping.signal.aborted) console.error('keeping the patrol reach failed:', error);
    }
  };
  // The run in progress, if any: stopping waits for its statement, so the database never closes under it.
  let running: Promise<void> = run();
  const timer = setInterval(() => {
    running = running.then(run);
  }, 3600 * 1000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      stopping.abort();
      await running;
    },
  };
}

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/**
 * One slow step of starting: a line when it begins and one with its duration when it
 * ends, so a first start (PostGIS initialising, the demo data loading) shows where its
 * minute goes rather than sitting silent.
 */
async function step<T>(what: string, work: () => Promise<T> | T, outcome: (result: T) => string = () => 'done'): Promise<T> {
  const started = Date.now();
  console.log(`${what}…`);
  const result = await work();
  console.log(`  ${outcome(result)} in ${seconds(started)}`);
  return result;
}

/** How long a stop may take in all before Vigil exits anyway (a real PostgreSQL: see stopServing). */
const STOP_DEADLINE_MS = 10_000;

const portInUse = (config: Config) =>
  new StartupError(`Port ${config.port} on ${config.host} is in use: stop what is using it, or set PORT to another port`);

/**
 * Fails at once when the port is taken, before the database is opened (a first start
 * spends a quarter of a minute initialising PostGIS, only to find the port taken). Listening
 * for real comes later and can still find it taken: that is reported the same way.
 */
async function checkPortFree(config: Config): Promise<void> {
  if (config.port === 0) return;
  const probe = createNetServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE' ? portInUse(config) : error));
    probe.listen({ port: config.port, host: config.host, exclusive: true }, () => probe.close(() => resolve()));
  });
}

async function serve(config: Config, { demo }: { demo: boolean }): Promise<void> {
  await checkPortFree(config);
  // Whether this is the built JavaScript (server/dist, production) or the sources through tsx.
  console.log(`Vigil ${import.meta.url.endsWith('.ts') ? 'from its TypeScript sources (tsx)' : 'built (server/dist)'}, ${config.env} mode`);
  const firstBoot = !config.databaseUrl && !existsSync(join(config.dataDir, 'pgdata', 'PG_VERSION'));
  const db = await step(
    config.databaseUrl
      ? 'Connecting to PostgreSQL'
      : `Starting the embedded PostGIS in ${config.dataDir}${firstBoot ? ' (first start: initialising it, about 15 s)' : ''}`,
    () => openDatabase(config, { migrate: false }),
    () => 'ready',
  );
  await step(
    'Migrating the database',
    () => migrate(db.orm),
    (names) => (names.length ? `applied ${names.length} migration${names.length === 1 ? '' : 's'}` : 'up to date'),
  );
  const rules = { radiusMetres: config.visitRadiusMetres, gapSeconds: config.visitGapSeconds };
  if (demo) {
    const empty = await queryOne<{ empty: boolean }>(
      db.orm.em.fork() as never,
      sql`select not exists (select 1 from patrol_zones) as empty`,
    );
    if (empty?.empty) {
      const bar = progressBar('  patrol traces');
      await step(
        'Loading the demo data (first start only: incidents, sites, and ~300,000 GPS fixes through the ingest path)',
        () =>
          seedDemo(db.orm.em.fork() as never, {
            rules,
            onProgress: (done, total) => {
              if (done === 1) bar.start(total, 'unit-days');
              bar.update(done);
              if (done === total) bar.stop();
            },
          }),
        (summary) => `${summary.zones} zones, ${summary.sites} sites, ${summary.incidents} incidents, ${summary.positions} positions`,
      );
    } else await seedDemo(db.orm.em.fork() as never, { rules });
  }
  const dashboardStarted = Date.now();
  let built = false;
  buildDashboardIfMissing(defaultClientDir, (line) => {
    built = true;
    console.log(line);
  });
  if (built) console.log(`  finished in ${seconds(dashboardStarted)}`);
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ config, orm: db.orm, database: db.kind, replicas: db.replicas });
  } catch (error) {
    await db.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw portInUse(config);
    throw error;
  }
  // Demo mode: the units keep moving, through the same ingest path as real devices.
  const live = demo
    ? await startLiveSimulator({
        orm: db.orm,
        rules,
        onStored: (unitId, outcome) => publishIngest(server.pubSub, unitId, outcome),
        onError: (e) => console.error('live demo:', e),
      })
    : undefined;
  // Retention now and daily, the kept patrol reach now and hourly.
  const daily = scheduleDaily(db, config);
  // Ready since the process started (loading the code included); `npm start` also says since it began.
  const sinceStart = Number(process.env.VIGIL_START_STARTED_AT);
  console.log(
    `Vigil is running at ${server.url}  (${db.kind === 'embedded' ? `embedded PostGIS in ${config.dataDir}` : 'PostgreSQL'}, ready in ${process.uptime().toFixed(1)} s` +
      `${Number.isFinite(sinceStart) && sinceStart > 0 ? `, ${seconds(sinceStart)} since npm start` : ''})`,
  );
  console.log(
    server.dashboard.ready ? `  dashboard  ${server.url}/` : `  dashboard  none: ${server.dashboard.reason}; ${server.url}/ says so`,
  );
  console.log(`  GraphQL    ${server.url}/graphql  (HTTP and WebSocket)`);
  if (demo) {
    console.log('\nSign in with a demo account (demo data only):');
    for (const u of demoUsers) console.log(`  ${u.role.padEnd(15)} ${u.email.padEnd(28)} password: ${u.password}`);
  }
  stopOnSignals(() => stopServing({ db, server, daily, live }), { embedded: db.kind === 'embedded' });
}

/**
 * Stops serving within a bounded time, however busy the server is:
 * 1. stop accepting, and give requests in flight STOP_GRACE_MS to finish;
 * 2. close every socket left (HTTP keep-alive, graphql-ws), which aborts their requests;
 * 3. from then on, cancel every half second the statements this process's pool still runs
 *    (a heavy query, a statement waiting on a lock, the daily reach), so nothing waits for
 *    one to end — repeatedly, as a request or a job may start another meanwhile;
 * 4. close the pool and the database.
 * Each step runs even if one before failed, so the embedded database is always closed.
 * The embedded PGlite runs each statement to its end on this very thread, so there a stop
 * waits for the statement in progress (cutting it short could damage the data folder).
 */
async function stopServing({
  db,
  server,
  daily,
  live,
}: {
  db: Database;
  server: VigilServer;
  daily: { stop: () => Promise<void> };
  live: { stop: () => Promise<void> } | undefined;
}): Promise<boolean> {
  const started = Date.now();
  let stopped = false;
  let markStopped = () => {};
  const finished = new Promise<void>((resolve) => {
    markStopped = resolve;
  });
  // A pause that ends early once everything has stopped.
  const pause = (ms: number) => Promise.race([finished, new Promise((resolve) => setTimeout(resolve, ms).unref())]);
  const cancelling = (async () => {
    if (db.kind !== 'postgres') return;
    await pause(STOP_GRACE_MS);
    while (!stopped) {
      try {
        const cancelled = await cancelPoolStatements(db.url, POOL_APPLICATION_NAME);
        if (cancelled > 0) console.log(`  cancelled ${cancelled} running statement${cancelled === 1 ? '' : 's'}`);
      } catch (error) {
        console.error(`  cancelling running statements: ${(error as Error).message}`);
      }
      await pause(500);
    }
  })();
  // The daily jobs and the simulator are told at once (they stop at their next statement).
  const background = Promise.all([daily.stop(), live?.stop()]);
  let failed = false;
  for (const [what, work] of [
    ['server', () => server.stop({ graceMs: STOP_GRACE_MS })],
    ['daily jobs and live demo', () => background],
    ['database', () => db.close()],
  ] as const) {
    try {
      await work();
    } catch (error) {
      failed = true;
      console.error(`stopping the ${what}:`, error);
    }
  }
  stopped = true;
  markStopped();
  await cancelling;
  console.log(`Stopped in ${seconds(started)}.`);
  return !failed;
}

/**
 * SIGINT and SIGTERM stop Vigil once. A second Ctrl-C or SIGTERM (a process manager, pnpm
 * passing the signal on as well) must not cut a stop short, so later signals only say that
 * Vigil is still stopping. On a real PostgreSQL a stop that takes longer than
 * STOP_DEADLINE_MS exits anyway; the embedded database is always left to close cleanly.
 */
function stopOnSignals(stop: () => Promise<boolean>, { embedded = false } = {}): void {
  let stopping = false;
  const onSignal = async (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log(`${signal}: still stopping (closing the database cleanly)…`);
      return;
    }
    stopping = true;
    console.log(`${signal}: stopping Vigil…`);
    if (!embedded)
      setTimeout(() => {
        console.error(`Vigil did not stop within ${STOP_DEADLINE_MS / 1000} s: exiting anyway.`);
        process.exit(1);
      }, STOP_DEADLINE_MS).unref();
    process.exit((await stop()) ? 0 : 1);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: false,
    options: { seed: { type: 'string' }, scale: { type: 'string' }, days: { type: 'string' }, 'patrol-days': { type: 'string' } },
  });
  const command = positionals[0];
  if (command === 'schema') {
    const file = join(repoRoot, 'schema/schema.graphql');
    writeFileSync(file, await printSdl());
    console.log(`Wrote ${file}`);
    return;
  }
  if (!command || command === 'help' || !['serve', 'demo', 'migrate', 'seed', 'import', 'export', 'purge'].includes(command)) {
    console.log(HELP);
    if (command && command !== 'help') process.exitCode = 2;
    return;
  }
  const config = loadConfig();
  switch (command) {
    case 'serve':
      return serve(config, { demo: false });
    case 'demo':
      return serve(config, { demo: true });
    case 'migrate':
      return withDatabase(config, async () => console.log('Database is up to date.'), { report: true });
    case 'seed':
      return withDatabase(config, async (db) => {
        const bar = progressBar('Storing patrol traces');
        const number = (name: string) => (typeof values[name] === 'string' ? Number(values[name]) : undefined);
        const summary = await seedDemo(db.orm.em.fork() as never, {
          seed: typeof values.seed === 'string' ? values.seed : undefined,
          scale: number('scale'),
          days: number('days'),
          patrolDays: number('patrol-days'),
          rules: { radiusMetres: config.visitRadiusMetres, gapSeconds: config.visitGapSeconds },
          onProgress: (done, total) => {
            if (done === 1) bar.start(total, 'unit-days');
            bar.update(done);
            if (done === total) bar.stop();
          },
        });
        console.log(
          `Seeded in ${summary.seconds.toFixed(1)} s: ${summary.users} users, ${summary.zones} zones, ${summary.sites} sites, ` +
            `${summary.operations} operations, ${summary.requests} visit requests, ${summary.incidents} incidents, ${summary.units} units, ` +
            `${summary.positions} positions, ${summary.activities} activities, ${summary.visits} visits.`,
        );
      });
    case 'import':
      return withDatabase(config, async (db) => {
        process.exitCode = await runImport(db, config, positionals.slice(1));
      });
    case 'export':
      return withDatabase(config, async (db) => {
        process.exitCode = await runExport(db, positionals.slice(1));
      });
    case 'purge':
      return withDatabase(config, async (db) => {
        const { deleted, before } = await purgePositions(db.orm.em.fork() as never, config.positionRetentionDays);
        console.log(
          `Purged ${deleted} positions recorded before ${before.toISOString()} (retention ${config.positionRetentionDays} days).`,
        );
      });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Configuration mistakes get one line per bad variable, other fixable start-up problems
  // (port taken, data folder in use) one line; no stack trace.
  console.error(error instanceof ConfigError || error instanceof StartupError ? error.message : error);
  process.exit(1);
});
