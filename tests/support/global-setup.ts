import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'reflect-metadata';
import { hashPassword, migrate, openOrm, Role, startEmbeddedDatabase } from '@vigil/server';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { testUsers } from './accounts.js';
import { type DatabaseTarget, describeDatabaseTarget, withDatabase } from './target.js';

declare module 'vitest' {
  export interface ProvidedContext {
    database: DatabaseTarget;
    /** The password hash of each test account (support/server.ts testUsers), made once per run. */
    testUserHashes: Record<Role, string>;
  }
}

/**
 * Prepares one migrated database that every test file copies:
 * - with DATABASE_URL (CI): a template database on that PostgreSQL + PostGIS server,
 *   copied per file with CREATE DATABASE … TEMPLATE (a fraction of a second);
 * - without it: an embedded PGlite + PostGIS, migrated once and dumped to a tarball that
 *   each file boots from (about 3 s instead of 14 s for a first boot).
 */
export default async function setup(project: TestProject) {
  const hashes = await Promise.all(Object.values(Role).map(async (role) => [role, await hashPassword(testUsers[role].password)] as const));
  project.provide('testUserHashes', Object.fromEntries(hashes) as Record<Role, string>);
  const adminUrl = process.env.DATABASE_URL;
  if (adminUrl) {
    const template = `vigil_template_${process.pid}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${template}`);
    await admin.query(`create database ${template}`);
    const url = withDatabase(adminUrl, template);
    const orm = await openOrm(url, 2);
    await migrate(orm);
    // Planner statistics of the empty tables, as autovacuum keeps them in production: a
    // table never analysed is planned as if it had 10 pages however small it is, and
    // statements over a few such tables came out as parallel plans whose two workers took
    // 20 ms to start for a millisecond of work (the fuzz pass's table checksums, after
    // each of its 800 mutations: half of its time). Each file's copy inherits them.
    await orm.em.getConnection().execute('analyze');
    await orm.close(true);
    const target: DatabaseTarget = { kind: 'postgres', adminUrl, template, prefix: `vigil_t${process.pid}_` };
    project.provide('database', target);
    console.log(`Tests run against ${describeDatabaseTarget(target)}`);
    return async () => {
      // Only this run's databases: another run may be using the same server at the same time.
      const { rows } = await admin.query<{ datname: string }>(
        `select datname from pg_database where starts_with(datname, $1) or datname = $2`,
        [target.prefix, template],
      );
      for (const { datname } of rows) await admin.query(`drop database if exists ${datname} with (force)`);
      await admin.end();
    };
  }
  const embedded = await startEmbeddedDatabase();
  const orm = await openOrm(embedded.url, 2);
  await migrate(orm);
  await orm.close(true);
  const dump = await embedded.dump();
  await embedded.stop();
  const dumpFile = join(tmpdir(), `vigil-embedded-${process.pid}.tar`);
  writeFileSync(dumpFile, Buffer.from(await dump.arrayBuffer()));
  const target: DatabaseTarget = { kind: 'embedded', dumpFile };
  project.provide('database', target);
  console.log(`Tests run against ${describeDatabaseTarget(target)}`);
  return () => rmSync(dumpFile, { force: true });
}
