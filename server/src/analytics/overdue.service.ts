import type { EntityManager } from '@mikro-orm/postgresql';
import { query, sql } from '../db/sql.js';

export interface OverdueRow {
  siteId: string;
  lastVisitAt: Date | null;
  dueBy: Date;
  overdueMinutes: number;
}

/**
 * Brief: a site is overdue when it has had no visit for longer than 24 h ÷ required visits
 * per day (counted from the start of its active period if never visited). Most overdue first.
 */
export async function overdueSites(em: EntityManager, now = new Date()): Promise<OverdueRow[]> {
  const rows = await query<{ site_id: string; last_visit_at: string | null; due_by: string }>(
    em,
    sql`select s.id as site_id, l.last_visit_at,
            coalesce(l.last_visit_at, s.active_from) + interval '24 hours' / s.required_visits_per_day as due_by
     from sites s
     left join lateral (select max(v.exited_at) as last_visit_at from visits v where v.site_id = s.id) l on true
     where s.archived_at is null and s.required_visits_per_day > 0
       and s.active_from <= ${now} and (s.active_to is null or s.active_to > ${now})
       and coalesce(l.last_visit_at, s.active_from) + interval '24 hours' / s.required_visits_per_day < ${now}
     order by due_by, s.id
     limit 1000`,
  );
  return rows.map((r) => ({
    siteId: r.site_id,
    lastVisitAt: r.last_visit_at ? new Date(r.last_visit_at) : null,
    dueBy: new Date(r.due_by),
    overdueMinutes: (now.getTime() - new Date(r.due_by).getTime()) / 60_000,
  }));
}
