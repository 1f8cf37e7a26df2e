import type { EntityManager } from '@mikro-orm/postgresql';
import pg from 'pg';
import type { Orm } from '../db/orm.js';
import { query, queryClient, sql } from '../db/sql.js';
import type { PubSub } from '../graphql/pubsub.js';

export const DEFAULT_OVERDUE_CHECK_MS = 30_000;

/**
 * Who checks. With several server processes on one database, each would announce every
 * overdue site once; instead one leads: the process holding a session-level advisory lock
 * on a connection of its own. When it dies its connection closes, the lock goes, and the
 * next process to try takes over.
 */
export interface Leadership {
  /** True while this process leads (takes the lead if it is free). */
  lead(): Promise<boolean>;
  close(): Promise<void>;
}

/** The embedded database serves one process, which always leads. */
export const soleLeader: Leadership = { lead: async () => true, close: async () => {} };

export function advisoryLockLeadership(url: string, onError: (error: unknown) => void): Leadership {
  let client: pg.Client | null = null;
  let leading = false;
  const drop = (c: pg.Client) => {
    if (client !== c) return;
    client = null;
    leading = false;
    c.end().catch(() => {});
  };
  return {
    async lead() {
      try {
        if (!client) {
          const c = new pg.Client({
            connectionString: url,
            application_name: 'vigil-overdue-leader',
            keepAlive: true,
            keepAliveInitialDelayMillis: 30_000,
          });
          c.on('error', (error) => {
            onError(error);
            drop(c);
          });
          c.on('end', () => drop(c));
          await c.connect();
          client = c;
        }
        // Session locks stack, so once held it is not asked for again.
        if (!leading) {
          const rows = await queryClient<{ ok: boolean }>(
            client,
            sql`select pg_try_advisory_lock(hashtext('vigil.overdue-watcher')) as ok`,
          );
          leading = rows[0]?.ok === true;
        }
        return leading;
      } catch (error) {
        onError(error);
        if (client) drop(client);
        return false;
      }
    },
    async close() {
      const c = client;
      client = null;
      leading = false;
      await c?.end().catch(() => {});
    },
  };
}

/**
 * Sites whose overdue time falls in (after, until]. Brief: overdue = no visit for longer
 * than 24 h ÷ required visits per day, counted from the end of the last visit, or from
 * the start of the site's active period if it was never visited (as coverage-status.ts).
 */
export async function sitesGoneOverdue(
  em: EntityManager,
  after: Date,
  until: Date,
): Promise<{ site_id: string; due_by: Date; last_visit_at: Date | null }[]> {
  return query(
    em,
    sql`select s.id as site_id, d.due_by, v.exited_at as last_visit_at
     from sites s
     left join lateral (select exited_at from visits where site_id = s.id order by entered_at desc limit 1) v on true
     cross join lateral (select coalesce(v.exited_at, s.active_from) + interval '24 hours' / s.required_visits_per_day as due_by) d
     where s.archived_at is null and s.required_visits_per_day > 0
       and s.active_from <= d.due_by and (s.active_to is null or s.active_to > d.due_by)
       and d.due_by > ${after} and d.due_by <= ${until}
     order by d.due_by`,
  );
}

export interface OverdueWatcher {
  stop(): Promise<void>;
}

/**
 * Every `intervalMs`, the leading process announces the sites that went overdue since
 * its previous look. Every process keeps its own mark moving, led or not, so one taking
 * over carries on from its last look instead of starting from nothing. Times are the
 * database's clock, the same for every process.
 */
export function startOverdueWatcher({
  orm,
  pubSub,
  leadership,
  intervalMs = DEFAULT_OVERDUE_CHECK_MS,
  onError = (e) => console.error('overdue watcher:', e),
}: {
  orm: Orm;
  pubSub: PubSub;
  leadership: Leadership;
  intervalMs?: number;
  onError?: (error: unknown) => void;
}): OverdueWatcher {
  let mark: Date | null = null;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    const em = orm.em.fork() as unknown as EntityManager;
    const [row] = await query<{ now: Date }>(em, sql`select now() as now`);
    const now = new Date(row!.now);
    const after = mark;
    mark = now;
    // The first look only sets the mark: sites overdue before this server started are
    // already shown as such by their coverage status.
    if (!after || !(await leadership.lead())) return;
    for (const r of await sitesGoneOverdue(em, after, now)) {
      pubSub.publish('siteOverdue', {
        siteId: r.site_id,
        dueBy: new Date(r.due_by).toISOString(),
        lastVisitAt: r.last_visit_at ? new Date(r.last_visit_at).toISOString() : null,
      });
    }
  };
  const schedule = (delay: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick()
        .catch(onError)
        .finally(() => schedule(intervalMs));
    }, delay);
  };
  schedule(0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await leadership.close();
    },
  };
}
