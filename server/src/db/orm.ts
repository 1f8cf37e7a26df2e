import { randomBytes } from 'node:crypto';
import { MikroORM, type Options } from '@mikro-orm/core';
import { Migrator } from '@mikro-orm/migrations';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';
import { ReplicatedPostgreSqlDriver } from './replicas.js';

export type Orm = MikroORM<PostgreSqlDriver>;

/**
 * application_name of this process's pooled connections to the primary: unique to the
 * process (pid and a random tag, as pids repeat across hosts), so stopping can find and
 * cancel exactly its own running statements in pg_stat_activity (db/cancel.ts).
 */
export const POOL_APPLICATION_NAME = `vigil-pool:${process.pid}:${randomBytes(4).toString('hex')}`;

/**
 * @param replicaUrls hot standbys of `clientUrl` (MikroORM's own read replicas). Nothing
 *   goes to them unless asked for: `preferReadReplicas` is off, so entity reads, sign-in
 *   and token checks stay on the primary, and analytics ask through db/replicas.ts.
 */
export function ormOptions(clientUrl: string, poolSize = 10, replicaUrls: string[] = []): Options<PostgreSqlDriver> {
  return {
    driver: replicaUrls.length > 0 ? ReplicatedPostgreSqlDriver : PostgreSqlDriver,
    clientUrl,
    replicas: replicaUrls.map((url, k) => ({
      name: `replica-${k + 1}`,
      clientUrl: url,
      // A standby that went away must fail a read at once (then the primary serves it), not queue it for knex's default 60 s.
      driverOptions: {
        acquireConnectionTimeout: 3000,
        // Named, so an operator (and tests/replicas) can tell Vigil's reads on a standby in pg_stat_activity.
        connection: { connectionTimeoutMillis: 2000, application_name: 'vigil-replica-reads' },
        // knex warns for each pooled connection a stopped standby dropped; the replica set says it once, in words.
        log: { warn: () => undefined },
      },
    })),
    driverOptions: { connection: { application_name: POOL_APPLICATION_NAME } },
    preferReadReplicas: false,
    entities,
    extensions: [Migrator],
    // Schema changes only through migrations, never by synchronising at run time.
    ensureDatabase: false,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    migrations: { migrationsList, transactional: true, allOrNothing: true, snapshot: false, silent: true },
    pool: { min: 0, max: poolSize },
    debug: process.env.VIGIL_SQL_DEBUG === '1',
  };
}

export async function openOrm(clientUrl: string, poolSize?: number, replicaUrls?: string[]): Promise<Orm> {
  return MikroORM.init(ormOptions(clientUrl, poolSize, replicaUrls));
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(orm: Orm): Promise<string[]> {
  const applied = await orm.getMigrator().up();
  return applied.map((m) => m.name);
}
