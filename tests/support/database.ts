import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { migrate, openOrm, startEmbeddedDatabase } from '@vigil/server';
import pg from 'pg';
import { inject } from 'vitest';
import { withDatabase } from './target.js';

export interface TestDatabase {
  kind: 'postgres' | 'embedded';
  url: string;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file. */
export async function createTestDatabase(kind?: 'postgres' | 'embedded'): Promise<TestDatabase> {
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
  if (target.kind === 'embedded') {
    const embedded = await startEmbeddedDatabase({ loadDataDir: new Blob([readFileSync(target.dumpFile)]) });
    return { kind: 'embedded', url: embedded.url, drop: () => embedded.stop() };
  }
  // Embedded wanted while the suite runs on a real server: boot and migrate one.
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
