import type { EntityManager } from '@mikro-orm/postgresql';
import type { VisitRules } from '../patrols/positions.service.js';

const DAY_MS = 86_400_000;
/**
 * A day's reach is kept once the day ended this long ago. Fixes of the last hours still
 * arrive (batches from devices that were out of signal), so those days are buffered at each
 * request instead; a fix for a kept day that comes later still marks it stale (markStale).
 */
export const REACH_SETTLED_MS = 2 * 3600_000;

/**
 * A unit's reach: the area within r metres of its path, the path joining consecutive fixes
 * less than g apart. It is what zone coverage unions (brief, area definition), and by far
 * its costliest part, so a unit's reach over a settled UTC day is kept in `patrol_reach`.
 *
 * This is the SQL (one select, column `g`, EPSG:27700) of the buffered path pieces of the
 * steps that END in [from, to); the fixes before `from` are read back by g so that a step
 * crossing `from` is counted once, on its end's side.
 *
 * Each unit's path is buffered in pieces of 64 steps and the pieces are unioned: the same
 * area (the buffer of a union is the union of the buffers), but buffering every path of a
 * window at once nodes every crossing of every trace with every other, and for a day of
 * 120 units in one borough grew past 20 GB until the kernel killed the backend (tests/bench).
 * Zero-length steps (a unit standing still) are kept by preserveCollapsed and buffer to a
 * disc. 5 m simplification and 2 segments a quarter circle move the covered share by about
 * 0.5 % of itself and make it 2–3 times faster.
 */
export function reachPiecesSql(rules: VisitRules, { from, to, unit, box }: { from: Date; to: Date; unit?: string; box?: string }): string {
  const gap = `interval '${Math.round(rules.gapSeconds)} seconds'`;
  return `
    select ST_Buffer(ST_Simplify(ST_LineMerge(ST_Collect(ST_MakeLine(s.prev_pt, s.pt))), 5, true), ${Number(rules.radiusMetres)}, 'quad_segs=2') as g
    from (
      select f.unit_id, f.recorded_at, ST_Transform(f.location, 27700) as pt,
             lag(f.recorded_at) over w as prev_at, lag(ST_Transform(f.location, 27700)) over w as prev_pt,
             row_number() over w as k
      from positions f
      where f.recorded_at >= ${timestamp(from)} - ${gap} and f.recorded_at < ${timestamp(to)}
        ${unit ? `and f.unit_id = ${unit}` : ''}
        ${box ? `and ST_Intersects(f.location, ${box})` : ''}
      window w as (partition by f.unit_id order by f.recorded_at)
    ) s
    where s.recorded_at >= ${timestamp(from)} and s.prev_at is not null and s.recorded_at - s.prev_at < ${gap}
    group by s.unit_id, s.k / 64`;
}

/**
 * A time as an SQL literal. Written into the text rather than bound because these
 * fragments are nested in statements of several shapes; safe, as toISOString yields only
 * digits, '-', ':', '.', 'T' and 'Z' (checked all the same).
 */
function timestamp(t: Date): string {
  const iso = t.toISOString();
  if (!/^[\d:.TZ-]+$/.test(iso)) throw new Error(`not a timestamp: ${iso}`);
  return `'${iso}'::timestamptz`;
}

/** The settled UTC days wholly inside [from, to): [first, end) as midnights, or null when there are none. */
export function settledDays(from: Date, to: Date, now = new Date()): { first: Date; end: Date } | null {
  const first = new Date(Math.ceil(from.getTime() / DAY_MS) * DAY_MS);
  const end = new Date(Math.floor(Math.min(to.getTime(), now.getTime() - REACH_SETTLED_MS) / DAY_MS) * DAY_MS);
  return first < end ? { first, end } : null;
}

/**
 * Computes the kept reach of every unit for the settled days in [first, end) that have
 * none yet or were marked stale, a day per statement (on the embedded database other
 * requests get their turn in between). A unit without fixes that day gets an empty reach.
 *
 * Safe against late fixes arriving meanwhile: markStale bumps the row's version, and a
 * result is written only over the version it was computed from. `signal` stops it between
 * days (a server shutting down waits for one statement, not for weeks of them). Returns
 * how many days it computed.
 */
export async function fillReach(em: EntityManager, rules: VisitRules, first: Date, end: Date, signal?: AbortSignal): Promise<number> {
  // The days with a unit whose reach is missing or stale; usually none once computed.
  const pending = await em.execute<{ day: string }[]>(
    `select to_char(d, 'YYYY-MM-DD') as day
     from generate_series(?::date, ?::date - 1, interval '1 day') d
     where exists (
       select 1 from patrol_units u left join patrol_reach k on k.unit_id = u.id and k.day = d::date
       where k.unit_id is null or k.reach is null
     )`,
    [isoDate(first), isoDate(end)],
  );
  let kept = 0;
  for (const { day } of pending) {
    if (signal?.aborted) return kept;
    const start = new Date(`${day}T00:00:00Z`);
    const pieces = reachPiecesSql(rules, { from: start, to: new Date(start.getTime() + DAY_MS), unit: 'u.id' });
    await em.execute(
      `insert into patrol_reach (unit_id, day, reach, version)
       select u.id, ?::date, coalesce(reach.g, ST_SetSRID('GEOMETRYCOLLECTION EMPTY'::geometry, 27700)), u.version
       from (
         select u.id, coalesce(k.version, 0) as version
         from patrol_units u left join patrol_reach k on k.unit_id = u.id and k.day = ?::date
         where k.unit_id is null or k.reach is null
       ) u
       cross join lateral (select ST_Union(g) as g from (${pieces}) pieces) reach
       on conflict (unit_id, day) do update set reach = excluded.reach, computed_at = now()
         where patrol_reach.version = excluded.version`,
      [day, day],
    );
    kept++;
  }
  return kept;
}

const isoDate = (t: Date) => t.toISOString().slice(0, 10);

/**
 * After fixes of `unitId` at `times` were stored: marks stale the kept reach of the days
 * their steps fall in (a fix starts a step that may end in the next day, up to g later).
 * Only settled days can have a kept reach; live batches touch none and cost nothing here.
 */
export async function markStale(tx: EntityManager, unitId: string, times: Date[], gapSeconds: number, now = new Date()): Promise<void> {
  const settledBefore = now.getTime() - REACH_SETTLED_MS;
  const days = new Set<string>();
  for (const t of times) {
    for (const ms of [t.getTime(), t.getTime() + gapSeconds * 1000]) {
      const dayStart = Math.floor(ms / DAY_MS) * DAY_MS;
      if (dayStart + DAY_MS <= settledBefore) days.add(isoDate(new Date(dayStart)));
    }
  }
  if (days.size === 0) return;
  // A row, not a deletion: a reach being computed right now from the fixes before these
  // sees the version move and does not overwrite the mark (fillReach).
  await tx.execute(
    `insert into patrol_reach (unit_id, day, reach, version)
     select ?, d::date, null, 1 from unnest(?::text[]) as d
     on conflict (unit_id, day) do update set reach = null, version = patrol_reach.version + 1, computed_at = now()`,
    [unitId, `{${[...days].join(',')}}`],
  );
}
