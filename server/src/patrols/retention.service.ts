import type { EntityManager } from '@mikro-orm/postgresql';
import { recordAudit } from '../audit/audit.service.js';

/**
 * Deletes positions older than the retention period, in batches so a big purge never
 * holds a long lock, and records the purge in the audit log. Visits derived from the
 * positions stay: they are the record of what was done. The reach kept per unit-day
 * (zone coverage) goes with the positions.
 */
export async function purgePositions(
  em: EntityManager,
  retentionDays: number,
  now = new Date(),
): Promise<{ deleted: number; before: Date }> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  let deleted = 0;
  for (;;) {
    const rows = await em.execute<{ n: number }[]>(
      `with doomed as (select id from positions where recorded_at < ? limit 50000)
       , gone as (delete from positions p using doomed where p.id = doomed.id returning 1)
       select count(*)::int as n from gone`,
      [before],
    );
    const n = rows[0]?.n ?? 0;
    deleted += n;
    if (n < 50000) break;
  }
  // The reach kept for days now wholly before the cut is location history too.
  await em.execute(`delete from patrol_reach where day < (?::timestamptz at time zone 'UTC')::date`, [before]);
  await recordAudit(em, {
    caller: null,
    operation: 'purgePositions',
    targetIds: [`before:${before.toISOString()}`, `deleted:${deleted}`],
    outcome: 'SUCCESS',
  });
  return { deleted, before };
}
