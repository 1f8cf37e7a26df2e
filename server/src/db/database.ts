import { join } from 'node:path';
import type { Config } from '../config.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './embedded.js';
import { migrate, type Orm, openOrm } from './orm.js';

export interface Database {
  orm: Orm;
  kind: 'embedded' | 'postgres';
  url: string;
  /** Names of the migrations this open applied. */
  migrationsApplied: string[];
  close(): Promise<void>;
}

/**
 * The real PostgreSQL + PostGIS at DATABASE_URL, or, when it is unset, the embedded
 * PGlite + PostGIS persisted under the data folder. Either way the caller gets the same
 * `pg`-backed MikroORM, with migrations applied.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  options: { migrate?: boolean } = {},
): Promise<Database> {
  const embedded: EmbeddedDatabase | undefined = config.databaseUrl
    ? undefined
    : await startEmbeddedDatabase({ dataDir: join(config.dataDir, 'pgdata') });
  const url = config.databaseUrl ?? (embedded as EmbeddedDatabase).url;
  // PGlite executes one statement at a time, so a big pool only queues; keep it small.
  const orm = await openOrm(url, embedded ? 4 : 10);
  const migrationsApplied = options.migrate === false ? [] : await migrate(orm);
  // PGlite runs no autovacuum, so nothing else keeps its planner statistics up to date
  // (positions grow all day); about 0.6 s for the demo data at every start.
  if (embedded) await orm.em.getConnection().execute('analyze');
  return {
    orm,
    kind: embedded ? 'embedded' : 'postgres',
    url,
    migrationsApplied,
    async close() {
      await orm.close(true);
      await embedded?.stop();
    },
  };
}
