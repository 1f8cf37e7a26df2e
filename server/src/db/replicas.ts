import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConnectionType } from '@mikro-orm/core';
import { type EntityManager, type PostgreSqlConnection, PostgreSqlDriver } from '@mikro-orm/postgresql';
import pg from 'pg';
import { queryClient, queryOn, SQL_RUNNER, type Sql, sql } from './sql.js';

/**
 * Read replicas: PostgreSQL hot standbys fed by streaming replication (PostgreSQL's own;
 * nothing here replicates anything). MikroORM opens one connection pool per standby
 * (`replicas` in its options); this module decides which of them may serve a read:
 *
 * - **Health.** Every standby is probed every second. One that does not answer, answers
 *   as a primary, lacks PostGIS, belongs to another cluster or database, or whose lag
 *   passes the bound is out of rotation; it comes back once a probe finds it well.
 * - **Lag** is measured against the primary's own clock: each probe also notes the
 *   primary's WAL position, so a standby's lag is the age of the oldest noted position it
 *   has not replayed (to within one probe interval, rounded up). No clocks are compared
 *   across servers, and an idle primary does not look like a lagging standby.
 * - **Read-your-writes.** After a caller's mutation the primary's WAL position is noted
 *   for that caller in `recent_writes` (on the primary, shared by every API node). A read
 *   by that caller goes to a standby only once the standby has replayed past it; until
 *   then it goes to the primary. Exact, and it holds across API nodes.
 * - **Fresh reads.** A read that must see rows the request itself just wrote on the primary
 *   (e.g. patrol reach kept on first use) asks for `fresh`: a standby serves it only once it
 *   has replayed the primary's position at that moment.
 * - **Fallback.** A read that fails on a standby for a standby's reason (connection lost,
 *   server shutting down, a conflict with recovery, a relation not replayed yet) takes the
 *   standby out of rotation and runs again on the primary: the caller never sees it.
 */

export type ReplicaState = 'starting' | 'healthy' | 'lagging' | 'down' | 'misconfigured';

export interface ReplicaStatus {
  name: string;
  /** host:port/database: never the password. */
  target: string;
  state: ReplicaState;
  /** Seconds behind the primary, to within one probe interval; null when unknown. */
  lagSeconds: number | null;
  /** Why it is out of rotation, when it is. */
  reason: string | null;
  /** When it entered this state. */
  since: string;
}

export interface ReplicaOptions {
  /** A standby further behind than this is out of rotation (DATABASE_REPLICA_MAX_LAG_SECONDS). */
  maxLagSeconds: number;
  /** How often each standby is probed. */
  probeMs?: number;
  /** A probe that takes longer than this counts as no answer. */
  probeTimeoutMs?: number;
  /** One line per change of a standby's state. */
  log?: (line: string) => void;
}

/** A PostgreSQL WAL position ("16/B374D848") as a number that orders like it. */
export function lsn(text: string): bigint {
  const [high, low] = text.split('/');
  return (BigInt(`0x${high}`) << 32n) | BigInt(`0x${low}`);
}

/** host:port/database of a URL, for logs and /health. */
export function describeUrl(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

/**
 * The PostgreSQL driver with `getConnection('read')` answered by the replica set: only a
 * standby in rotation serves, else the primary. MikroORM's own choice is a random replica,
 * healthy or not.
 */
export class ReplicatedPostgreSqlDriver extends PostgreSqlDriver {
  replicaSet?: ReplicaSet;

  override getConnection(type: ConnectionType = 'write'): PostgreSqlConnection {
    if (type === 'write' || !this.replicaSet) return this.connection;
    // Inside ReplicaSet.read: the connection it chose (a standby, or the primary after a fallback).
    return this.replicaSet.chosen.getStore() ?? this.replicaSet.pick()?.connection ?? this.connection;
  }

  /** The standbys' pools, in the order of DATABASE_REPLICA_URLS. */
  replicaConnections(): PostgreSqlConnection[] {
    return this.replicas;
  }
}

interface Replica {
  name: string;
  target: string;
  connection: PostgreSqlConnection;
  state: ReplicaState;
  lagSeconds: number | null;
  reason: string | null;
  since: Date;
  /** WAL position replayed, at the last probe. */
  replayed: bigint | null;
  probe: ProbeConnection;
}

/**
 * One connection of its own per standby for the probes, outside the read pool: a probe
 * never waits behind analysts' reads (nor they behind it), and pg_stat_activity tells the
 * two apart (application_name vigil-replica-probe). Reconnects after any failure.
 */
class ProbeConnection {
  private client: pg.Client | null = null;
  /** The statement last handed to the client: the next one starts when it has ended. */
  private last: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly timeoutMs: number,
  ) {}

  /**
   * One statement at a time, in order: the periodic probe and the read-your-writes checks
   * of concurrent requests share the connection, and a pg client handed a query while one
   * is running only queues it by a path pg 9 removes (a DeprecationWarning in CI's log).
   */
  rows<T>(statement: Sql): Promise<T[]> {
    const next = this.last.then(
      () => this.now<T>(statement),
      () => this.now<T>(statement),
    );
    this.last = next.catch(() => undefined);
    return next;
  }

  private async now<T>(statement: Sql): Promise<T[]> {
    try {
      if (!this.client) {
        const client = new pg.Client({
          connectionString: this.url,
          application_name: 'vigil-replica-probe',
          connectionTimeoutMillis: this.timeoutMs,
          statement_timeout: this.timeoutMs,
        });
        client.on('error', () => this.drop(client));
        await client.connect();
        this.client = client;
      }
      return await withTimeout(queryClient<T>(this.client, statement), this.timeoutMs);
    } catch (error) {
      this.drop(this.client);
      throw error;
    }
  }

  drop(client: pg.Client | null = this.client): void {
    if (!client) return;
    if (this.client === client) this.client = null;
    client.end().catch(() => undefined);
  }
}

interface PrimaryMark {
  at: number;
  position: bigint;
}

const SAMPLES_KEPT = 900;
/** How long a caller's write is remembered; any standby in rotation has replayed it long before. */
export const RECENT_WRITE_WINDOW_SECONDS = 300;

/** SQLSTATE classes and codes that say "this standby cannot serve now", not "the query is wrong". */
function isStandbyFailure(error: unknown): boolean {
  const e = error as { code?: string; sqlState?: string; name?: string; message?: string };
  const code = e?.code ?? e?.sqlState ?? '';
  if (/^(08|57|53|58)/.test(code)) return true; // connection, operator intervention, resources, system
  if (['40001', '25006', '42P01', '42883', '3D000', 'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code)) return true;
  return /Connection terminated|connect ECONNREFUSED|timeout exceeded|conflict with recovery/i.test(e?.message ?? '');
}

export class ReplicaSet {
  /**
   * The connection ReplicaSet.read chose, for the query builders run inside it: MikroORM
   * entity reads opt in with connection type 'read' (`em.createQueryBuilder(X, 'x', 'read')`).
   */
  readonly chosen = new AsyncLocalStorage<PostgreSqlConnection>();
  private readonly replicas: Replica[];
  private readonly marks: PrimaryMark[] = [];
  private readonly probeMs: number;
  private readonly probeTimeoutMs: number;
  private readonly log: (line: string) => void;
  private primaryIdentity: { system: string | null; database: string } | null = null;
  private timer?: NodeJS.Timeout;
  private probing?: Promise<void>;
  private next = 0;

  constructor(
    private readonly primary: PostgreSqlConnection,
    standbys: { connection: PostgreSqlConnection; url: string }[],
    private readonly options: ReplicaOptions,
  ) {
    this.probeMs = options.probeMs ?? 1000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 2000;
    this.log = options.log ?? ((line) => console.log(line));
    this.replicas = standbys.map(({ connection, url }, k) => ({
      name: `replica-${k + 1}`,
      target: describeUrl(url),
      connection,
      probe: new ProbeConnection(url, this.probeTimeoutMs),
      state: 'starting',
      lagSeconds: null,
      reason: null,
      since: new Date(),
      replayed: null,
    }));
  }

  /** Probes every standby once (a line for each that cannot serve), then every probeMs. */
  async start(): Promise<void> {
    await this.probe();
    this.timer = setInterval(() => {
      this.probing ??= this.probe().finally(() => {
        this.probing = undefined;
      });
    }, this.probeMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.probing;
    for (const r of this.replicas) r.probe.drop();
  }

  get configured(): number {
    return this.replicas.length;
  }

  status(): ReplicaStatus[] {
    return this.replicas.map((r) => ({
      name: r.name,
      target: r.target,
      state: r.state,
      // Rounded up: a standby reported as within the bound is within it.
      lagSeconds: r.lagSeconds === null || !Number.isFinite(r.lagSeconds) ? null : Math.ceil(r.lagSeconds * 10) / 10,
      reason: r.reason,
      since: r.since.toISOString(),
    }));
  }

  /** The next standby in rotation (round robin), or null: then reads go to the primary. */
  pick(): Replica | null {
    const healthy = this.replicas.filter((r) => r.state === 'healthy');
    if (healthy.length === 0) return null;
    this.next = (this.next + 1) % healthy.length;
    return healthy[this.next] ?? null;
  }

  /**
   * Runs a read that may be served by a standby: one in rotation that has replayed the
   * caller's own latest write. Falls back to the primary when there is none, or when the
   * standby fails under it.
   */
  async read<T>(
    callerId: string | null | undefined,
    work: (connection: PostgreSqlConnection) => Promise<T>,
    { fresh = false }: ReadOptions = {},
  ): Promise<T> {
    const on = (connection: PostgreSqlConnection) => this.chosen.run(connection, () => work(connection));
    const replica = await this.choose(callerId, fresh);
    if (!replica) return on(this.primary);
    try {
      return await on(replica.connection);
    } catch (error) {
      if (!isStandbyFailure(error)) throw error;
      this.enter(replica, 'down', `a read failed: ${(error as Error).message}`);
      return on(this.primary);
    }
  }

  /** Notes the primary's WAL position after a caller's write, for read-your-writes. */
  async noteWrite(callerId: string): Promise<void> {
    if (this.replicas.length === 0) return;
    await queryOn(
      this.primary,
      sql`insert into recent_writes (user_id, position, at) values (${callerId}, pg_current_wal_lsn(), now())
          on conflict (user_id) do update set position = excluded.position, at = excluded.at`,
    );
  }

  private async choose(callerId: string | null | undefined, fresh: boolean): Promise<Replica | null> {
    const replica = this.pick();
    if (!replica || (!callerId && !fresh)) return replica;
    // The position the standby must have replayed: the caller's latest write, or the primary's now.
    const [write] = await queryOn<{ position: string | null }>(
      this.primary,
      fresh
        ? sql`select pg_current_wal_lsn()::text as position`
        : sql`select position::text as position from recent_writes
              where user_id = ${callerId} and at > now() - make_interval(secs => ${RECENT_WRITE_WINDOW_SECONDS}::int)`,
    );
    if (!write?.position) return replica;
    const needed = lsn(write.position);
    if (replica.replayed !== null && replica.replayed >= needed) return replica;
    // The last probe may be up to a second old: ask the standby where it is now.
    try {
      const [row] = await replica.probe.rows<{ replayed: string | null }>(sql`select pg_last_wal_replay_lsn()::text as replayed`);
      if (row?.replayed && lsn(row.replayed) >= needed) return replica;
    } catch (error) {
      if (!isStandbyFailure(error)) throw error;
      this.enter(replica, 'down', `it stopped answering: ${(error as Error).message}`);
    }
    return null;
  }

  private async probe(): Promise<void> {
    const now = Date.now();
    let primaryAt: bigint;
    try {
      const [row] = await queryOn<{ position: string; system: string | null; database: string }>(
        this.primary,
        sql`select pg_current_wal_lsn()::text as position, current_database() as database,
                   case when has_function_privilege('pg_control_system()', 'execute')
                        then (select system_identifier::text from pg_control_system()) end as system`,
      );
      primaryAt = lsn(row!.position);
      this.primaryIdentity ??= { system: row!.system, database: row!.database };
    } catch {
      return; // The primary's own trouble is /health's to report; standbys keep their state.
    }
    this.marks.push({ at: now, position: primaryAt });
    if (this.marks.length > SAMPLES_KEPT) this.marks.shift();
    await Promise.all(this.replicas.map((r) => this.probeOne(r, now)));
  }

  private async probeOne(replica: Replica, now: number): Promise<void> {
    let row: { recovery: boolean; replayed: string | null; system: string | null; database: string; postgis: boolean } | undefined;
    try {
      [row] = await replica.probe.rows<NonNullable<typeof row>>(
        sql`select pg_is_in_recovery() as recovery, pg_last_wal_replay_lsn()::text as replayed, current_database() as database,
                exists (select 1 from pg_extension where extname = 'postgis') as postgis,
                case when has_function_privilege('pg_control_system()', 'execute')
                     then (select system_identifier::text from pg_control_system()) end as system`,
      );
    } catch (error) {
      this.enter(replica, 'down', `it does not answer: ${(error as Error).message}`);
      return;
    }
    const identity = this.primaryIdentity;
    const wrong = !row!.recovery
      ? 'it is a primary, not a standby (pg_is_in_recovery() is false): writes there would never reach this database'
      : !row!.postgis
        ? `database ${row!.database} there has no PostGIS`
        : identity && row!.database !== identity.database
          ? `it serves database ${row!.database}, not ${identity.database}`
          : identity?.system && row!.system && row!.system !== identity.system
            ? 'it is a standby of another cluster (its system identifier differs)'
            : null;
    if (wrong) {
      this.enter(replica, 'misconfigured', wrong);
      return;
    }
    replica.replayed = row!.replayed ? lsn(row!.replayed) : null;
    replica.lagSeconds = this.lagOf(replica.replayed, now);
    if (replica.lagSeconds > this.options.maxLagSeconds)
      this.enter(replica, 'lagging', `it is ${replica.lagSeconds.toFixed(1)} s behind (the bound is ${this.options.maxLagSeconds} s)`);
    else this.enter(replica, 'healthy', null);
  }

  /**
   * Seconds since the primary was at the last noted position the standby has replayed
   * (rounded up to a probe), 0 when it has replayed the newest.
   */
  private lagOf(replayed: bigint | null, now: number): number {
    const newest = this.marks.at(-1);
    if (!newest || replayed === null) return Number.POSITIVE_INFINITY;
    if (replayed >= newest.position) return 0;
    let k = this.marks.length - 1;
    while (k > 0 && (this.marks[k - 1] as PrimaryMark).position > replayed) k--;
    // marks[k] is the oldest mark not replayed; the standby holds everything up to the one before it.
    const before = this.marks[k - 1];
    return (now - (before ?? (this.marks[0] as PrimaryMark)).at) / 1000;
  }

  private enter(replica: Replica, state: ReplicaState, reason: string | null): void {
    if (replica.state === state && replica.reason === reason) return;
    const was = replica.state;
    replica.state = state;
    replica.reason = reason;
    if (was !== state) replica.since = new Date();
    if (state === 'down' || state === 'misconfigured') replica.replayed = null;
    if (state === 'healthy') {
      if (was !== 'starting') this.log(`Read replica ${replica.name} (${replica.target}) is back in rotation.`);
    } else if (was !== state) {
      this.log(`Read replica ${replica.name} (${replica.target}) is out of rotation: ${reason}; reads go to the primary.`);
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    work.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}

export interface ReadOptions {
  /** The read must see everything committed on the primary so far (e.g. rows this request just wrote there). */
  fresh?: boolean;
}

/**
 * How a request runs reads that may come from a standby (Context.reads): `work` gets a
 * read view of the request's entity manager, whose `execute` runs on the chosen
 * connection (a standby, or the primary). Its entity reads opt in with connection type
 * 'read'; everything else about it (finds, transactions, getConnection) stays on the primary.
 */
export type Reads = <T>(work: (em: EntityManager) => Promise<T>, options?: ReadOptions) => Promise<T>;

/**
 * A view of `em` whose statements (`query(em, sql`…`)`) run on `connection`. Its `execute`
 * does too: nothing in server/src calls it (tests/db/sql-idiom.test.ts), but a read view
 * must never reach the primary by a side door.
 */
export function readView(em: EntityManager, connection: PostgreSqlConnection): EntityManager {
  const execute = (query: string, params: unknown[] = [], method: 'all' | 'get' | 'run' = 'all') =>
    connection.execute(query, params, method);
  return Object.assign(Object.create(em) as EntityManager, { execute, [SQL_RUNNER]: () => connection.getKnex() });
}

/** Context.reads for one request: through the replica set when there is one, else on the request's own entity manager. */
export function readsFor(replicas: ReplicaSet | null | undefined, em: EntityManager, callerId: string | null | undefined): Reads {
  return (work, options) => (replicas ? replicas.read(callerId, (connection) => work(readView(em, connection)), options) : work(em));
}
