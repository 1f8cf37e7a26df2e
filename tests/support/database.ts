import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { EMBEDDED_EXTENSIONS, keepExchangesWhole, migrate, openOrm, startEmbeddedDatabase } from '@vigil/server';
import pg from 'pg';
import { inject } from 'vitest';
import { withDatabase } from './target.js';

export interface TestDatabase {
  kind: 'postgres' | 'embedded';
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one test file. On the embedded database,
 * `ownPGlite` boots a PGlite for the file alone rather than borrowing the worker's kept
 * one: for a file that breaks the session on purpose (db/lost-errors.test.ts: PGlite's
 * session is not right again after a GEOS failure, and a later file got
 * "ResourceOwnerEnlarge called after release started").
 */
export async function createTestDatabase(kind?: 'postgres' | 'embedded', { ownPGlite = false } = {}): Promise<TestDatabase> {
  const target = inject('database');
  const wanted = kind ?? target.kind;
  if (wanted === 'postgres') {
    if (target.kind !== 'postgres') throw new Error('A real PostgreSQL needs DATABASE_URL');
    const name = `${target.prefix}${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: target.adminUrl });
    await admin.connect();
    await admin.query(`create database ${name} template ${target.template}`);
    await admin.end();
    return {
      kind: 'postgres',
      url: withDatabase(target.adminUrl, name),
      async drop() {
        const client = new pg.Client({ connectionString: target.adminUrl });
        await client.connect();
        await client.query(`drop database if exists ${name} with (force)`);
        await client.end();
      },
    };
  }
  if (target.kind === 'embedded' && !ownPGlite) return keptEmbedded(target.dumpFile);
  // Embedded wanted while the suite runs on a real server, or a PGlite of its own: boot and migrate one.
  const embedded = await startEmbeddedDatabase();
  const orm = await openOrm(embedded.url, 2);
  await migrate(orm);
  await orm.close(true);
  return { kind: 'embedded', url: embedded.url, drop: () => embedded.stop() };
}

/** Which database kinds this run can reach: always the embedded one, the real one with DATABASE_URL. */
export function availableDatabaseKinds(): ('postgres' | 'embedded')[] {
  return inject('database').kind === 'postgres' ? ['postgres', 'embedded'] : ['embedded'];
}

/**
 * Embedded databases kept for the life of this worker process (test files share it, one
 * after another: vitest.config.ts, isolate: false). Booting PGlite + PostGIS from the
 * migrated dump costs some 3 s of CPU a file; emptying a kept one back to the migrated
 * state costs a fraction of that. A database is lent to one file at a time, behind a
 * socket server of its own on a new port, so a connection left over from the file before
 * cannot reach the next file's data.
 */
interface Kept {
  db: PGlite;
  /** The migrations table as the dump has it: the one table that is not empty when migrated. */
  migrations: { text: string; rows: unknown[][] };
  lent: boolean;
}
const kept: Kept[] = [];

async function keptEmbedded(dumpFile: string): Promise<TestDatabase> {
  let database = kept.find((k) => !k.lent);
  if (database) {
    database.lent = true;
    await emptyToMigrated(database);
  } else {
    const db = await PGlite.create({ loadDataDir: new Blob([readFileSync(dumpFile)]), extensions: EMBEDDED_EXTENSIONS });
    const { rows, fields } = await db.query<Record<string, unknown>>('select * from mikro_orm_migrations order by id', [], {
      rowMode: 'object',
    });
    const columns = fields.map((f) => f.name);
    database = {
      db,
      migrations: {
        text: `insert into mikro_orm_migrations (${columns.join(', ')}) values (${columns.map((_, k) => `$${k + 1}`).join(', ')})`,
        rows: rows.map((row) => columns.map((c) => row[c])),
      },
      lent: true,
    };
    kept.push(database);
  }
  const lent = database;
  const server = new PGLiteSocketServer({ db: lent.db, host: '127.0.0.1', port: 0, maxConnections: 64 });
  // As startEmbeddedDatabase does: each connection's statements reach the session whole.
  keepExchangesWhole(server);
  await server.start();
  return {
    kind: 'embedded',
    url: `postgres://postgres@${server.getServerConn()}/postgres`,
    async drop() {
      // Closes every connection still open to it, rolling back any transaction left open.
      await server.stop();
      lent.lent = false;
    },
  };
}

/**
 * Back to the migrated template: every table of the schema emptied (its sequences
 * restarted, its planner statistics forgotten), the migrations table as migrated, and the
 * session's state (settings, prepared statements, temporary tables, advisory locks,
 * LISTEN) discarded: PGlite serves all connections from one session.
 */
async function emptyToMigrated({ db, migrations }: Kept): Promise<void> {
  // A transaction a closed connection left open (the socket server rolls it back, unawaited).
  if (db.isInTransaction()) await db.exec('rollback');
  await db.exec('discard all');
  const { rows } = await db.query<{ name: string }>(
    `select format('%I.%I', schemaname, tablename) as name from pg_tables
      where schemaname = 'public' and tablename <> 'spatial_ref_sys'`,
  );
  await db.transaction(async (tx) => {
    // The audit log's trigger refuses TRUNCATE, as it should for everyone but this reset.
    await tx.exec(`set local session_replication_role = replica`);
    await tx.exec(`truncate ${rows.map((r) => r.name).join(', ')} restart identity cascade`);
    for (const row of migrations.rows) await tx.query(migrations.text, row);
    await tx.exec(`select setval(pg_get_serial_sequence('mikro_orm_migrations', 'id'), (select max(id) from mikro_orm_migrations))`);
    await tx.exec(`delete from pg_statistic where starelid in (select oid from pg_class where relnamespace = 'public'::regnamespace)`);
  });
}
