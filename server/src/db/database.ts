import { join } from 'node:path';
import type { Config } from '../config.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './embedded.js';
import { migrate, type Orm, openOrm } from './orm.js';
import { ReplicaSet, ReplicatedPostgreSqlDriver } from './replicas.js';
import { query, sql } from './sql.js';

export interface Database {
  orm: Orm;
  kind: 'embedded' | 'postgres';
  url: string;
  /** Names of the migrations this open applied. */
  migrationsApplied: string[];
  /** The hot standbys serving analytics reads (DATABASE_REPLICA_URLS), or null when there are none. */
  replicas: ReplicaSet | null;
  close(): Promise<void>;
}

/**
 * The real PostgreSQL + PostGIS at DATABASE_URL, or, when it is unset, the embedded
 * PGlite + PostGIS persisted under the data folder. Either way the caller gets the same
 * `pg`-backed MikroORM, with migrations applied.
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'replicaUrls' | 'replicaMaxLagSeconds'>,
  options: { migrate?: boolean; log?: (line: string) => void; poolSize?: number } = {},
): Promise<Database> {
  const log = options.log ?? ((line: string) => console.log(line));
  const embedded: EmbeddedDatabase | undefined = config.databaseUrl
    ? undefined
    : await startEmbeddedDatabase({ dataDir: join(config.dataDir, 'pgdata') });
  const url = config.databaseUrl ?? (embedded as EmbeddedDatabase).url;
  if (embedded && config.replicaUrls.length > 0)
    log('DATABASE_REPLICA_URLS is ignored: the embedded database has no standbys (set DATABASE_URL to use them).');
  const replicaUrls = embedded ? [] : config.replicaUrls;
  // PGlite executes one statement at a time, so a big pool only queues; keep it small.
  const orm = await openOrm(url, options.poolSize ?? (embedded ? 4 : 10), replicaUrls);
  const migrationsApplied = options.migrate === false ? [] : await migrate(orm);
  // PGlite runs no autovacuum, so nothing else keeps its planner statistics up to date
  // (positions grow all day); about 0.6 s for the demo data at every start.
  if (embedded) await query(orm.em.fork(), sql`analyze`);
  const replicas = replicaUrls.length > 0 ? await startReplicas(orm, replicaUrls, config.replicaMaxLagSeconds, log) : null;
  return {
    orm,
    kind: embedded ? 'embedded' : 'postgres',
    url,
    migrationsApplied,
    replicas,
    async close() {
      await replicas?.stop();
      await orm.close(true);
      await embedded?.stop();
    },
  };
}

/** Probes each standby once before serving: one that cannot serve gets one line saying why, and reads stay on the primary. */
async function startReplicas(orm: Orm, urls: string[], maxLagSeconds: number, log: (line: string) => void): Promise<ReplicaSet> {
  const driver = orm.em.getDriver() as unknown as ReplicatedPostgreSqlDriver;
  const standbys = driver.replicaConnections().map((connection, k) => ({ connection, url: urls[k] as string }));
  const replicas = new ReplicaSet(driver.getConnection('write'), standbys, { maxLagSeconds, log });
  driver.replicaSet = replicas;
  await replicas.start();
  return replicas;
}
