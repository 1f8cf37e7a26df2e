import type { EntityManager } from '@mikro-orm/postgresql';
import { metric, query, sql } from '../db/sql.js';
import { Visit } from '../patrols/visit.entity.js';
import type { PlanProgress, StopProgress, UnitPlan } from './plan.types.js';
import { StopState } from './plan.types.js';
import { KOPER_MAX_MINUTES, KOPER_MIN_MINUTES } from './rules.js';

/** A planned stop counts as made by a stay of at least this long: half the Koper minimum; shorter is a drive-by. */
export const MIN_STAY_MINUTES = KOPER_MIN_MINUTES / 2;
/** A stop not made this long after its planned departure is late. */
export const LATE_AFTER_MINUTES = 15;

/**
 * Plan against actual for one unit plan at a moment. The stops of a place are matched in
 * order to the unit's stays there during the shift: its detected visits for a site (ingest's
 * visits, radius r and gap g), its runs of fixes inside the cell for a hot spot; the k-th
 * stay of MIN_STAY_MINUTES or more makes the place's k-th stop. So a unit that keeps to the
 * order but not the clock still gets its stops, and the lateness says how far off it was.
 */
export async function planProgress(
  em: EntityManager,
  plan: UnitPlan,
  at: Date,
  { gapSeconds }: { gapSeconds: number },
): Promise<PlanProgress> {
  const unitId = plan.unit.id;
  const siteIds = [...new Set(plan.stops.filter((s) => s.site).map((s) => s.site!.id))];
  const visits = siteIds.length
    ? await em.find(
        Visit,
        // A stay under way when the stops start counts too (a unit already at its first site).
        { unit: unitId, site: { $in: siteIds }, exitedAt: { $gte: plan.startsAt }, enteredAt: { $lt: plan.to } },
        { orderBy: { enteredAt: 'asc', id: 'asc' } },
      )
    : [];
  const staysBySite = new Map<string, Visit[]>();
  for (const v of visits) if (v.dwellMinutes >= MIN_STAY_MINUTES) staysBySite.set(v.site.id, [...(staysBySite.get(v.site.id) ?? []), v]);

  const cellStays = await stintsInCells(em, plan, gapSeconds);
  const used = new Map<string, number>();
  const stops: StopProgress[] = plan.stops.map((stop) => {
    const key = stop.site ? `site:${stop.site.id}` : `cell:${stop.cellId}`;
    const k = used.get(key) ?? 0;
    const visit = stop.site ? (staysBySite.get(stop.site.id)?.[k] ?? null) : null;
    const stint = stop.cellId ? (cellStays.get(stop.cellId)?.filter((x) => x.minutes >= MIN_STAY_MINUTES)[k] ?? null) : null;
    const arrived = visit ? visit.enteredAt : stint ? stint.from : null;
    if (arrived) used.set(key, k + 1);
    const minutes = visit ? visit.dwellMinutes : stint ? stint.minutes : null;
    const state = arrived
      ? StopState.DONE
      : at >= plan.to
        ? StopState.MISSED
        : at.getTime() > stop.departAt.getTime() + LATE_AFTER_MINUTES * 60_000
          ? StopState.LATE
          : StopState.PLANNED;
    return {
      sequence: stop.sequence,
      state,
      next: false,
      visit,
      actualArriveAt: arrived,
      actualMinutes: minutes === null ? null : Math.round(minutes * 10) / 10,
      minutesLate: arrived ? Math.round((arrived.getTime() - stop.arriveAt.getTime()) / 6000) / 10 : null,
    };
  });
  const lastDone = Math.max(0, ...stops.filter((s) => s.state === StopState.DONE).map((s) => s.sequence));
  const next =
    at < plan.to
      ? (stops.find((s) => s.sequence > lastDone && s.state !== StopState.DONE) ?? stops.find((s) => s.state !== StopState.DONE) ?? null)
      : null;
  if (next) next.next = true;

  const siteStops = plan.stops.map((s, i) => ({ s, p: stops[i]! })).filter((x) => x.s.site);
  const cellStops = plan.stops.map((s, i) => ({ s, p: stops[i]! })).filter((x) => x.s.cellId);
  const inCells = [...new Set(cellStops.map((x) => x.s.cellId!))].reduce(
    (sum, id) => sum + (cellStays.get(id) ?? []).reduce((m, x) => m + x.minutes, 0),
    0,
  );
  return {
    at,
    stops,
    done: stops.filter((s) => s.state === StopState.DONE).length,
    late: stops.filter((s) => s.state === StopState.LATE || s.state === StopState.MISSED).length,
    nextSequence: next?.sequence ?? null,
    finished: at >= plan.to,
    score: {
      plannedVisits: siteStops.length,
      visitsMade: siteStops.filter((x) => x.p.state === StopState.DONE).length,
      koperCompliantVisits: siteStops.filter(
        (x) => x.p.visit && x.p.visit.dwellMinutes >= KOPER_MIN_MINUTES && x.p.visit.dwellMinutes <= KOPER_MAX_MINUTES,
      ).length,
      plannedDosageMinutes: cellStops.reduce((sum, x) => sum + x.s.dwellMinutes, 0),
      dosageMinutesAchieved: Math.round(inCells * 10) / 10,
      plannedDosageStops: cellStops.length,
      dosageStopsMade: cellStops.filter((x) => x.p.state === StopState.DONE).length,
    },
  };
}

/**
 * The unit's runs of consecutive fixes inside each planned cell during the shift (fixes
 * less than g apart), with their minutes: each fix counts until the next one, at most g —
 * the same rule the coverage's hot-spot dosage uses. Square cells only (`s<size>:i:j`, as
 * the dosage plans them).
 */
async function stintsInCells(
  em: EntityManager,
  plan: UnitPlan,
  gapSeconds: number,
): Promise<Map<string, { from: Date; minutes: number }[]>> {
  const cells = [...new Set(plan.stops.map((s) => s.cellId).filter((c): c is string => c !== null))];
  const out = new Map<string, { from: Date; minutes: number }[]>();
  const sizes = [...new Set(cells.map((c) => Number(/^s(\d+(?:\.\d+)?):/.exec(c)?.[1])).filter(Number.isFinite))];
  for (const size of sizes) {
    const fixes = await query<{ t: string; i: number; j: number }>(
      em,
      sql`select recorded_at as t, floor(ST_X(g) / ${size}::float8)::int as i, floor(ST_Y(g) / ${size}::float8)::int as j
          from positions p, lateral (select ${metric(sql`p.location`)} as g) m
          where p.unit_id = ${plan.unit.id} and p.recorded_at >= ${plan.startsAt} and p.recorded_at < ${plan.to}
          order by recorded_at`,
    );
    let run: { id: string; from: Date; last: Date; seconds: number } | null = null;
    const close = () => {
      if (run && cells.includes(run.id)) out.set(run.id, [...(out.get(run.id) ?? []), { from: run.from, minutes: run.seconds / 60 }]);
      run = null;
    };
    for (const f of fixes) {
      const t = new Date(f.t);
      const id = `s${size}:${f.i}:${f.j}`;
      const current = run as { id: string; from: Date; last: Date; seconds: number } | null;
      const gap = current ? (t.getTime() - current.last.getTime()) / 1000 : 0;
      if (current && current.id === id && gap <= gapSeconds) {
        current.seconds += gap;
        current.last = t;
        continue;
      }
      close();
      run = { id, from: t, last: t, seconds: 0 };
    }
    close();
  }
  return out;
}
