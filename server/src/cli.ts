import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoUsers } from '@vigil/seeds';
import { settleReach } from './analytics/reach.js';
import { type Config, ConfigError, loadConfig, repoRoot } from './config.js';
import { buildDashboardIfMissing, defaultClientDir } from './dashboard/dashboard.js';
import { type Database, openDatabase } from './db/database.js';
import { startLiveSimulator } from './demo/live.js';
import { seedDemo } from './demo/seed.js';
import { printSdl } from './graphql/schema.js';
import { startServer } from './http/server.js';
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
        console.error('retention purge failed:', error);
      }
    }
    // An hour or a day per statement, so requests get their turn in between.
    try {
      const rules = { radiusMetres: config.visitRadiusMetres, gapSeconds: config.visitGapSeconds };
      await settleReach(db.orm.em.fork() as never, rules, new Date(), stopping.signal);
    } catch (error) {
      console.error('keeping the patrol reach failed:', error);
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

async function serve(config: Config, { demo }: { demo: boolean }): Promise<void> {
  const started = Date.now();
  const db = await openDatabase(config);
  const rules = { radiusMetres: config.visitRadiusMetres, gapSeconds: config.visitGapSeconds };
  if (demo) {
    const summary = await seedDemo(db.orm.em.fork() as never, { rules });
    if (summary.zones > 0) console.log(`Loaded demo data: ${summary.zones} zones, ${summary.users} users.`);
  }
  buildDashboardIfMissing(defaultClientDir, (line) => console.log(line));
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer({ config, orm: db.orm, database: db.kind, replicas: db.replicas });
  } catch (error) {
    await db.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new StartupError(`Port ${config.port} on ${config.host} is in use: stop what is using it, or set PORT to another port`);
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
  console.log(
    `Vigil is running at ${server.url}  (${db.kind === 'embedded' ? `embedded PostGIS in ${config.dataDir}` : 'PostgreSQL'}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  console.log(
    server.dashboard.ready ? `  dashboard  ${server.url}/` : `  dashboard  none: ${server.dashboard.reason}; ${server.url}/ says so`,
  );
  console.log(`  GraphQL    ${server.url}/graphql  (HTTP and WebSocket)`);
  if (demo) {
    console.log('\nSign in with a demo account (demo data only):');
    for (const u of demoUsers) console.log(`  ${u.role.padEnd(15)} ${u.email.padEnd(28)} password: ${u.password}`);
  }
  // Stop in order, each step even if one before failed, so the embedded database is always
  // closed: PGlite killed mid-write can leave a data folder that no longer starts. A second
  // Ctrl-C or SIGTERM (a process manager, pnpm passing the signal on as well) must not cut
  // that short, so later signals only say that Vigil is still stopping.
  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      console.log(`${signal}: still stopping (closing the database cleanly)…`);
      return;
    }
    stopping = true;
    console.log(`${signal}: stopping Vigil…`);
    let failed = false;
    for (const [what, step] of [
      ['daily jobs', () => daily.stop()],
      ['live demo', async () => live?.stop()],
      ['server', () => server.stop()],
      ['database', () => db.close()],
    ] as const) {
      try {
        await step();
      } catch (error) {
        failed = true;
        console.error(`stopping the ${what}:`, error);
      }
    }
    process.exit(failed ? 1 : 0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
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
