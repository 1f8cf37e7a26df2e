import type { EntityManager } from '@mikro-orm/postgresql';
import { empty, identifier, join, METRIC, metric, query, type Sql, sql } from '../db/sql.js';
import type { VisitRules } from '../patrols/positions.service.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/**
 * An hour's (or a day's) reach is kept once it ended this long ago. Devices send their
 * fixes in batches, so the fixes of the last minutes are still arriving; a kept hour that
 * gets one later is marked stale (markStale) and computed again for that unit alone, so
 * the delay only saves that churn. Ten minutes cover a device's batching and retries and
 * keep the part of a window buffered at each request short: the open hour and at most
 * ten minutes of the one before.
 */
export const REACH_SETTLED_MS = 10 * 60_000;

/**
 * markStale marks the hours that are kept, and those that will be within this lead. It
 * decides inside the ingest transaction, before the commit: a fill that starts in between
 * does not see the new fixes, and would keep a stale reach nobody marked. With the lead,
 * that takes an ingest transaction of more than five minutes.
 */
const MARK_LEAD_MS = 5 * 60_000;

/**
 * Spans (a unit's reach over several hours of a day, the union of its kept hours) are a
 * cache: a rolling window ("the last 24 hours") needs new ones every hour, so those older
 * than this are dropped when new ones are made.
 */
const SPAN_KEPT_MS = 3 * HOUR_MS;

const EMPTY = sql`ST_SetSRID('GEOMETRYCOLLECTION EMPTY'::geometry, ${METRIC})`;

/**
 * A unit's reach: the area within r metres of its path, the path joining consecutive fixes
 * less than g apart. It is what zone coverage unions (brief, area definition), and by far
 * its costliest part, so a unit's reach is kept per settled UTC hour (`patrol_reach_hours`)
 * and per settled UTC day (`patrol_reach`).
 *
 * This is the SQL (one select, column `g`, EPSG:27700) of the buffered path pieces of the
 * steps that END in [from, to); the fixes before `from` are read back by g so that a step
 * crossing `from` is counted once, on its end's side. `unit` and `box` (WGS84) narrow the
 * fixes read.
 *
 * Each unit's path is buffered in pieces of 64 steps and the pieces are unioned: the same
 * area (the buffer of a union is the union of the buffers), but buffering every path of a
 * window at once nodes every crossing of every trace with every other, and for a day of
 * 120 units in one borough grew past 20 GB until the kernel killed the backend (tests/bench).
 * ST_LineMerge joins a piece's steps into few lines (buffered far faster than one line per
 * step) but drops zero-length steps, so the fixes of a unit standing still are added as
 * points: each buffers to a disc, as the definition's trace does.
 *
 * Arcs are drawn as ST_Buffer draws them by default, 8 segments a quarter circle (chords
 * inside the circle: a disc is 0.6 % small), so a reference computed with PostGIS's
 * defaults gets the same figure; on random foot patrols it stays within 0.02 % of a
 * zone's area of a buffer drawn four times finer (tests/analytics/reach-hours.test.ts).
 * The path is not simplified: a 5 m simplification with 2 segments a quarter circle made
 * a refresh of today's Camden coverage 390 ms where this takes 458 (tests/bench), but
 * moved a zone's figure by up to 0.57 % of its area, past the 0.5 % the figure promises.
 */
export function reachPiecesSql(rules: VisitRules, { from, to, unit, box }: { from: Date; to: Date; unit?: Sql; box?: Sql }): Sql {
  const gap = sql`make_interval(secs => ${rules.gapSeconds}::float8)`;
  return sql`
    select ST_Buffer(
             ST_Collect(ST_LineMerge(ST_Collect(ST_MakeLine(s.prev_pt, s.pt))), ST_Collect(s.pt) filter (where ST_Equals(s.prev_pt, s.pt))),
             ${rules.radiusMetres}::float8, 'quad_segs=8') as g
    from (
      select f.unit_id, f.recorded_at, ST_Transform(f.location, ${METRIC}) as pt,
             lag(f.recorded_at) over w as prev_at, lag(ST_Transform(f.location, ${METRIC})) over w as prev_pt,
             row_number() over w as k
      from positions f
      where f.recorded_at >= ${from}::timestamptz - ${gap} and f.recorded_at < ${to}::timestamptz
        ${unit ? sql`and f.unit_id = ${unit}` : empty}
        ${box ? sql`and ST_Intersects(f.location, ${box})` : empty}
      window w as (partition by f.unit_id order by f.recorded_at)
    ) s
    where s.recorded_at >= ${from}::timestamptz and s.prev_at is not null and s.recorded_at - s.prev_at < ${gap}
    group by s.unit_id, s.k / 64`;
}

/** Whole hours [first, end) of one UTC day that are not the whole day. */
export interface DayPart {
  /** Its midnight. */
  day: Date;
  first: number;
  end: number;
}

/**
 * How a window's reach is made up: the whole settled days (kept per day), the settled
 * whole hours of the days it covers in part (kept per hour, and per span of hours), and
 * what is left, buffered at the request: the part-hours at either end and what has not
 * settled yet. Together exactly the steps ending in [from, to).
 */
export interface ReachPlan {
  live: [Date, Date][];
  days: { first: Date; end: Date } | null;
  parts: DayPart[];
}

export function planReach(from: Date, to: Date, now = new Date()): ReachPlan {
  const settled = Math.floor((now.getTime() - REACH_SETTLED_MS) / HOUR_MS) * HOUR_MS;
  const a = Math.ceil(from.getTime() / HOUR_MS) * HOUR_MS;
  const b = Math.min(Math.floor(to.getTime() / HOUR_MS) * HOUR_MS, settled);
  if (a >= b) return { live: [[from, to]], days: null, parts: [] };
  const live = (
    [
      [from, new Date(a)],
      [new Date(b), to],
    ] as [Date, Date][]
  ).filter(([x, y]) => x < y);
  let first: number | null = null;
  let end: number | null = null;
  const parts: DayPart[] = [];
  for (let d = Math.floor(a / DAY_MS) * DAY_MS; d < b; d += DAY_MS) {
    const lo = Math.max(a, d);
    const hi = Math.min(b, d + DAY_MS);
    if (lo === d && hi === d + DAY_MS) {
      first ??= d;
      end = hi;
    } else parts.push({ day: new Date(d), first: (lo - d) / HOUR_MS, end: (hi - d) / HOUR_MS });
  }
  return { live, days: first !== null && end !== null ? { first: new Date(first), end: new Date(end) } : null, parts };
}

const hourOf = (part: DayPart, hour: number) => new Date(part.day.getTime() + hour * HOUR_MS);
const isoDate = (t: Date | number) => new Date(t).toISOString().slice(0, 10);
/** Parts of two hours or more are read as spans; a one-hour part is its hour. */
const isSpan = (part: DayPart) => part.end - part.first >= 2;

/**
 * The kept reach of a plan (one select, column `g`) meeting `box` (EPSG:27700): the days,
 * the one-hour parts, and per longer part each unit's span, or its hours where it has no
 * span valid for the day's version (stale, pruned, or not made yet: a span only saves work,
 * it never decides what is covered). Null when the plan keeps nothing.
 */
export function keptReachSql(plan: ReachPlan, box: Sql): Sql | null {
  const selects: Sql[] = [];
  if (plan.days)
    selects.push(sql`
      select r.reach as g from patrol_reach r
      where r.day >= ${isoDate(plan.days.first)}::date and r.day < ${isoDate(plan.days.end)}::date and r.reach && ${box}`);
  for (const part of plan.parts) {
    const hours = sql`h.hour >= ${hourOf(part, part.first)}::timestamptz and h.hour < ${hourOf(part, part.end)}::timestamptz`;
    if (!isSpan(part)) {
      selects.push(sql`select h.reach as g from patrol_reach_hours h where ${hours} and h.reach && ${box}`);
      continue;
    }
    const valid = validSpan(part, sql`h.unit_id`);
    selects.push(sql`
      select s.reach as g from patrol_reach_spans s
      left join patrol_reach k on k.unit_id = s.unit_id and k.day = s.day
      where s.day = ${isoDate(part.day)}::date and s.first_hour = ${part.first} and s.end_hour = ${part.end}
        and s.version = coalesce(k.version, 0) and s.reach && ${box}`);
    selects.push(sql`
      select h.reach as g from patrol_reach_hours h
      where ${hours} and h.reach && ${box} and not exists (${valid})`);
  }
  return selects.length ? join(selects, '\n union all \n') : null;
}

/** A span of `part` for `unit` made from the day's current version (a select of nothing, for exists). */
function validSpan(part: DayPart, unit: Sql): Sql {
  return sql`
    select 1 from patrol_reach_spans s left join patrol_reach k on k.unit_id = s.unit_id and k.day = s.day
    where s.unit_id = ${unit} and s.day = ${isoDate(part.day)}::date and s.first_hour = ${part.first} and s.end_hour = ${part.end}
      and s.version = coalesce(k.version, 0)`;
}

/**
 * Keeps what `plan` reads from kept reach and is not kept yet: the days, the hours of the
 * parts, and (with `box`, WGS84) the spans of the units whose hours meet it. Returns how
 * many statements wrote, so a caller reading from a standby knows to wait for them.
 * `signal` stops it between statements.
 */
export async function fillReach(em: EntityManager, rules: VisitRules, plan: ReachPlan, box?: Sql, signal?: AbortSignal): Promise<number> {
  let wrote = plan.days ? await fillDays(em, rules, plan.days.first, plan.days.end, signal) : 0;
  const hours = plan.parts.flatMap((part) => Array.from({ length: part.end - part.first }, (_, k) => hourOf(part, part.first + k)));
  wrote += await fillHours(em, rules, hours, signal);
  if (box) {
    let made = 0;
    for (const part of plan.parts.filter(isSpan)) {
      if (signal?.aborted) break;
      if (await fillSpan(em, part, metric(box))) made++;
    }
    if (made > 0) await pruneSpans(em);
    wrote += made;
  }
  return wrote;
}

/**
 * Computes the kept reach of every unit for the settled days in [first, end) that have
 * none yet or were marked stale, a day per statement (on the embedded database other
 * requests get their turn in between). A unit without fixes that day gets an empty reach.
 *
 * Safe against late fixes arriving meanwhile: markStale bumps the row's version, and a
 * result is written only over the version it was computed from.
 */
async function fillDays(em: EntityManager, rules: VisitRules, first: Date, end: Date, signal?: AbortSignal): Promise<number> {
  // The days with a unit whose reach is missing or stale; usually none once computed.
  const pending = await query<{ day: string }>(
    em,
    sql`select to_char(d, 'YYYY-MM-DD') as day
        from generate_series(${isoDate(first)}::date, ${isoDate(end)}::date - 1, interval '1 day') d
        where exists (
          select 1 from patrol_units u left join patrol_reach k on k.unit_id = u.id and k.day = d::date
          where k.unit_id is null or k.reach is null
        )`,
  );
  let kept = 0;
  for (const { day } of pending) {
    if (signal?.aborted) return kept;
    await query(em, keepReachSql(rules, 'day', new Date(`${day}T00:00:00Z`)));
    kept++;
  }
  return kept;
}

/**
 * Keeps one settled day's or hour's reach for every unit whose row is missing or stale,
 * written only over the version it was computed from (markStale bumps it).
 */
function keepReachSql(rules: VisitRules, period: 'day' | 'hour', start: Date): Sql {
  const table = identifier(period === 'day' ? 'patrol_reach' : 'patrol_reach_hours');
  const key = identifier(period);
  const at = period === 'day' ? sql`${isoDate(start)}::date` : sql`${start}::timestamptz`;
  const end = new Date(start.getTime() + (period === 'day' ? DAY_MS : HOUR_MS));
  const pieces = reachPiecesSql(rules, { from: start, to: end, unit: sql`u.id` });
  return sql`insert into ${table} (unit_id, ${key}, reach, version)
      select u.id, ${at}, coalesce(reach.g, ${EMPTY}), u.version
      from (
        select u.id, coalesce(k.version, 0) as version
        from patrol_units u left join ${table} k on k.unit_id = u.id and k.${key} = ${at}
        where k.unit_id is null or k.reach is null
      ) u
      cross join lateral (select ST_Union(g) as g from (${pieces}) pieces) reach
      on conflict (unit_id, ${key}) do update set reach = excluded.reach, computed_at = now()
        where ${table}.version = excluded.version`;
}

/** The same per settled hour, into patrol_reach_hours: an hour per statement, for every unit. */
async function fillHours(em: EntityManager, rules: VisitRules, hours: Date[], signal?: AbortSignal): Promise<number> {
  if (hours.length === 0) return 0;
  const pending = await query<{ ms: number }>(
    em,
    sql`select extract(epoch from h)::float8 * 1000 as ms
        from unnest(${hours}::timestamptz[]) h
        where exists (
          select 1 from patrol_units u left join patrol_reach_hours k on k.unit_id = u.id and k.hour = h
          where k.unit_id is null or k.reach is null
        )
        order by h`,
  );
  let kept = 0;
  for (const { ms } of pending) {
    if (signal?.aborted) return kept;
    await query(em, keepReachSql(rules, 'hour', new Date(Number(ms))));
    kept++;
  }
  return kept;
}

/**
 * Makes the spans of `part` for the units whose kept hours there meet `box` and that have
 * no valid span: the union of their hours, or, when a valid span of the same day inside
 * the part exists (the same window an hour ago: today's reach up to the last hour), that
 * span and the hours around it. Each span carries the version of its day as read with
 * the hours: markStale bumps it, so a span made from hours a late fix has since marked is
 * never read (keptReachSql). A unit with a stale hour in the part gets none (the reader
 * falls back to its hours). Returns whether it wrote any.
 */
async function fillSpan(em: EntityManager, part: DayPart, box: Sql): Promise<boolean> {
  const day = sql`${isoDate(part.day)}::date`;
  const start = hourOf(part, part.first);
  const end = hourOf(part, part.end);
  const rows = await query<{ n: number }>(
    em,
    sql`with wanted as (
          select distinct h.unit_id from patrol_reach_hours h
          where h.hour >= ${start}::timestamptz and h.hour < ${end}::timestamptz and h.reach && ${box}
            and not exists (${validSpan(part, sql`h.unit_id`)})
        ),
        version as (
          select w.unit_id, coalesce(k.version, 0) as version
          from wanted w left join patrol_reach k on k.unit_id = w.unit_id and k.day = ${day}
        ),
        -- The largest valid span of the day inside the part, per unit.
        base as (
          select distinct on (s.unit_id) s.unit_id, s.first_hour, s.end_hour, s.reach
          from patrol_reach_spans s join version v on v.unit_id = s.unit_id and v.version = s.version
          where s.day = ${day} and s.first_hour >= ${part.first} and s.end_hour <= ${part.end}
          order by s.unit_id, s.end_hour - s.first_hour desc
        ),
        hours as (
          select v.unit_id, v.version, h.reach
          from version v left join base b on b.unit_id = v.unit_id
          join patrol_reach_hours h on h.unit_id = v.unit_id
           and h.hour >= ${start}::timestamptz and h.hour < ${end}::timestamptz
           and (b.unit_id is null
                or h.hour < ${start}::timestamptz + make_interval(hours => b.first_hour - ${part.first})
                or h.hour >= ${start}::timestamptz + make_interval(hours => b.end_hour - ${part.first}))
        ),
        made as (
          select h.unit_id, h.version, ST_Union(h.reach) as reach, count(h.reach) as n, max(b.end_hour - b.first_hour) as covered
          from hours h left join base b on b.unit_id = h.unit_id
          group by h.unit_id, h.version
        ),
        spans as (
          select m.unit_id, m.version, case when b.unit_id is null then m.reach else ST_Union(m.reach, b.reach) end as reach
          from made m left join base b on b.unit_id = m.unit_id
          -- Every hour of the part kept and fresh, besides those the base span holds.
          where m.n + coalesce(m.covered, 0) = ${part.end - part.first}
        ),
        written as (
          insert into patrol_reach_spans (unit_id, day, first_hour, end_hour, reach, version)
          select unit_id, ${day}, ${part.first}, ${part.end}, reach, version from spans
          on conflict (unit_id, day, first_hour, end_hour) do update
            set reach = excluded.reach, version = excluded.version, computed_at = now()
          returning 1
        )
        select count(*)::int as n from written`,
  );
  return (rows[0]?.n ?? 0) > 0;
}

/** Drops the spans older than SPAN_KEPT_MS (a cache; see there). */
async function pruneSpans(em: EntityManager): Promise<void> {
  await query(em, sql`delete from patrol_reach_spans where computed_at < now() - make_interval(secs => ${SPAN_KEPT_MS / 1000}::float8)`);
}

/**
 * The reach a background job keeps as hours and days settle: the days of the last four
 * weeks (the dashboard's longest period) and the hours of the last day and of the day four
 * weeks ago (where rolling windows end and start), so a request rarely computes any. Safe
 * to run from several instances at once (each only repeats work that finds nothing to do).
 */
export async function settleReach(em: EntityManager, rules: VisitRules, now = new Date(), signal?: AbortSignal): Promise<number> {
  let wrote = await fillReach(em, rules, planReach(new Date(now.getTime() - 28 * DAY_MS), now, now), undefined, signal);
  wrote += await fillReach(em, rules, planReach(new Date(now.getTime() - DAY_MS), now, now), undefined, signal);
  return wrote;
}

/**
 * After fixes of `unitId` at `times` were stored: marks stale the kept reach of the hours
 * their steps end in (a fix ends a step, and starts one that may end up to g later), and
 * of their days. Only hours kept (or about to be: MARK_LEAD_MS) are marked; live batches
 * touch none and cost nothing here.
 */
export async function markStale(tx: EntityManager, unitId: string, times: Date[], gapSeconds: number, now = new Date()): Promise<void> {
  const marks = staleMarks(unitId, times, gapSeconds, now);
  if (marks) await query(tx, sql`with ${marks} select 1`);
}

/**
 * markStale's work as two data-modifying CTEs (`stale_hours`, `stale_days`), for the
 * statement that stores the fixes to carry (one statement fewer a batch); null when the
 * fixes touch no kept hour.
 */
export function staleMarks(unitId: string, times: Date[], gapSeconds: number, now = new Date()): Sql | null {
  const markedBefore = now.getTime() - REACH_SETTLED_MS + MARK_LEAD_MS;
  const hours = new Set<number>();
  for (const t of times) {
    const last = Math.floor((t.getTime() + gapSeconds * 1000) / HOUR_MS) * HOUR_MS;
    for (let h = Math.floor(t.getTime() / HOUR_MS) * HOUR_MS; h <= last && h + HOUR_MS <= markedBefore; h += HOUR_MS) hours.add(h);
  }
  if (hours.size === 0) return null;
  const days = [...new Set([...hours].map((h) => isoDate(Math.floor(h / DAY_MS) * DAY_MS)))];
  // Rows, not deletions: a reach being computed right now from the fixes before these sees
  // the version move and does not overwrite the mark (fillHours, fillDays); the day's
  // version moves with any of its hours, which is what retires its spans (fillSpan).
  return sql`stale_hours as (
        insert into patrol_reach_hours (unit_id, hour, reach, version)
        select ${unitId}::uuid, h, null, 1 from unnest(${[...hours].map((h) => new Date(h))}::timestamptz[]) as h
        on conflict (unit_id, hour) do update
          set reach = null, version = patrol_reach_hours.version + 1, computed_at = now()
        returning 1
      ),
      stale_days as (
        insert into patrol_reach (unit_id, day, reach, version)
        select ${unitId}::uuid, d, null, 1 from unnest(${days}::date[]) as d
        on conflict (unit_id, day) do update set reach = null, version = patrol_reach.version + 1, computed_at = now()
        returning 1
      )`;
}
