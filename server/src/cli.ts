import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoUsers } from '@vigil/seeds';
import { type Config, ConfigError, loadConfig, repoRoot } from './config.js';
import { type Database, openDatabase } from './db/database.js';
import { seedDemo } from './demo/seed.js';
import { printSdl } from './graphql/schema.js';
import { startServer } from './http/server.js';

const HELP = `vigil <command>

  serve     migrate, then serve the dashboard and API on one port
  demo      like serve, loading the demo data first if the database is empty
  migrate   apply pending database migrations
  seed      load the demo data (users, ward zones, …)
  schema    write the GraphQL SDL to schema/schema.graphql

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

async function serve(config: Config, { demo }: { demo: boolean }): Promise<void> {
  const started = Date.now();
  const db = await openDatabase(config);
  if (demo) {
    const summary = await seedDemo(db.orm.em.fork() as never);
    if (summary.zones > 0) console.log(`Loaded demo data: ${summary.zones} zones, ${summary.users} users.`);
  }
  const server = await startServer({ config, orm: db.orm, database: db.kind });
  console.log(
    `Vigil is running at ${server.url}  (${db.kind === 'embedded' ? `embedded PostGIS in ${config.dataDir}` : 'PostgreSQL'}, ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  );
  console.log(`  dashboard  ${server.url}/`);
  console.log(`  GraphQL    ${server.url}/graphql  (HTTP and WebSocket)`);
  if (demo) {
    console.log('\nSign in with a demo account (demo data only):');
    for (const u of demoUsers) console.log(`  ${u.role.padEnd(15)} ${u.email.padEnd(28)} password: ${u.password}`);
  }
  const shutdown = async () => {
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

async function main(argv: string[]): Promise<void> {
  const { positionals } = parseArgs({ args: argv, allowPositionals: true, strict: false });
  const command = positionals[0];
  if (command === 'schema') {
    const file = join(repoRoot, 'schema/schema.graphql');
    writeFileSync(file, await printSdl());
    console.log(`Wrote ${file}`);
    return;
  }
  if (!command || command === 'help' || !['serve', 'demo', 'migrate', 'seed'].includes(command)) {
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
        const summary = await seedDemo(db.orm.em.fork() as never);
        console.log(`Seeded: ${summary.users} users, ${summary.zones} zones.`);
      });
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Configuration mistakes get one line per bad variable, no stack trace.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
