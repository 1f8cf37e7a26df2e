import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/audit.service.js';
import { query, queryOne, sql } from '../db/sql.js';

/**
 * Deletes positions older than the retention period, in batches so a big purge never
 * holds a long lock, and records the purge in the audit log. Visits derived from the
 * positions stay: they are the record of what was done. The reach kept per unit and day,
 * hour and span of hours (zone coverage) goes with the positions.
 */
export async function purgePositions(
  em: EntityManager,
  retentionDays: number,
  now = new Date(),
): Promise<{ deleted: number; before: Date }> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  let deleted = 0;
  for (;;) {
    const row = await queryOne<{ n: number }>(
      em,
      sql`with doomed as (select id from positions where recorded_at < ${before}::timestamptz limit 50000)
          , gone as (delete from positions p using doomed where p.id = doomed.id returning 1)
          select count(*)::int as n from gone`,
    );
    const n = row?.n ?? 0;
    deleted += n;
    if (n < 50000) break;
  }
  // The reach kept for periods now wholly before the cut is location history too.
  const cutDay = sql`(${before}::timestamptz at time zone 'UTC')::date`;
  await query(em, sql`delete from patrol_reach where day < ${cutDay}`);
  await query(em, sql`delete from patrol_reach_hours where hour + interval '1 hour' <= ${before}::timestamptz`);
  await query(
    em,
    sql`delete from patrol_reach_spans
        where day < ${cutDay} or (day = ${cutDay} and day + make_interval(hours => end_hour) <= ${before}::timestamptz at time zone 'UTC')`,
  );
  await recordAudit(em, {
    caller: null,
    operation: 'purgePositions',
    targetIds: [`before:${before.toISOString()}`, `deleted:${deleted}`],
    outcome: 'SUCCESS',
  });
  return { deleted, before };
}
