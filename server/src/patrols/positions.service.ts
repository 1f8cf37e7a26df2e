import type { EntityManager } from '@mikro-orm/postgresql';
import { markStale } from '../analytics/reach.js';
import { pgArray } from '../db/sql.js';
import { notFound } from '../graphql/errors.js';
import { type CheckedBatch, checkBatch, type Rejection, type StoredAround, timesToCheck } from './fix-checks.js';

/** One GPS fix as a device sends it. */
export interface Fix {
  recordedAt: Date;
  longitude: number;
  latitude: number;
  accuracy?: number | null;
  speed?: number | null;
  heading?: number | null;
}

export interface VisitRules {
  /** Radius r in metres (brief default 50). */
  radiusMetres: number;
  /** Gap g in seconds (brief default 120): fixes further apart split a visit. */
  gapSeconds: number;
}

export interface StoreResult {
  /** Fixes newly stored. */
  stored: number;
  /** Fixes already stored before (same unit and time): ignored, so a resent batch is harmless. */
  duplicates: number;
}

/** A visit that a batch created or changed (it grew, or its fix count changed). */
export interface VisitChange {
  id: string;
  unitId: string;
  siteId: string;
  enteredAt: Date;
  exitedAt: Date;
  fixes: number;
}

/** What one batch did, for the device's answer and the live feed. */
export interface IngestOutcome {
  /** Fixes newly stored, in time order, with their index in the batch. */
  stored: { index: number; fix: Fix }[];
  /** Fixes whose unit and time were already stored (or repeated in the batch). */
  duplicates: number;
  /** Fixes refused, with why; empty when the batch was not checked. */
  rejected: Rejection[];
  /** Visits created or changed by the new fixes. */
  visits: VisitChange[];
  /** When the transaction that stored them started: the `received_at` of the new rows. */
  storedAt: Date | null;
}

export interface IngestOptions {
  /** Check each fix (range, (0,0), clock, speed) and leave out the bad ones (default true). */
  check?: boolean;
  /** The server clock for the "in the future" check (default: now). */
  now?: Date;
  /** Fixes older than this many days are refused as TOO_OLD: they would be purged at once (default: no limit). */
  retentionDays?: number;
}

/**
 * A value for a `real` (float4) column: what the column would hold anyway. PostgreSQL
 * refuses a number too small for float4 ("value out of range: underflow", e.g. a speed of
 * 1e-50 m/s) instead of rounding it to zero, which failed the whole batch; Math.fround
 * rounds it as the column would. Values too large are refused before this (fix-checks.ts).
 */
const asReal = (value: number | null | undefined) => (value === null || value === undefined ? null : Math.fround(value));

/**
 * Stores a unit's fixes in one statement (not one per ping) and brings its visits up to
 * date in the same transaction, so a position is acknowledged only with its visits.
 * Idempotent on (unit, recordedAt). Kept for the callers that load trusted data (seed,
 * imports, the demo's simulator): it stores every fix it is given, unchecked.
 */
export async function storePositions(em: EntityManager, unitId: string, fixes: Fix[], rules: VisitRules): Promise<StoreResult> {
  const outcome = await ingestPositions(em, unitId, fixes, rules, { check: false });
  return { stored: outcome.stored.length, duplicates: outcome.duplicates };
}

/**
 * The ingest path of devices: checks the fixes, stores the good ones with one
 * INSERT … SELECT FROM jsonb_to_recordset, and recomputes the visits they touch, all in
 * one transaction. When this resolves the fixes are committed; not before.
 *
 * The unit's row is locked (FOR NO KEY UPDATE, which does not block the foreign-key checks
 * of other units' inserts) so batches of one unit are stored one after another: the speed
 * check and the visit windows then see every earlier batch. Different units never wait
 * for each other.
 */
export async function ingestPositions(
  em: EntityManager,
  unitId: string,
  fixes: Fix[],
  rules: VisitRules,
  { check = true, now = new Date(), retentionDays }: IngestOptions = {},
): Promise<IngestOutcome> {
  if (fixes.length === 0) return { stored: [], duplicates: 0, rejected: [], visits: [], storedAt: null };
  return em.transactional(async (tx) => {
    // tx.execute (not getConnection().execute) so the statements run inside the transaction.
    const unit = await tx.execute(`select id from patrol_units where id = ? for no key update`, [unitId]);
    if (unit.length === 0) throw notFound('Patrol unit', unitId);

    let batch: CheckedBatch;
    if (check) {
      // For each time in the batch, one index probe each: the unit's last stored fix
      // before it (the speed check's anchor) and whether that time is stored already.
      // Bounded by the batch, however far apart its times are.
      const clock = { now, oldest: new Date(retentionDays === undefined ? -8.64e15 : now.getTime() - retentionDays * 86_400_000) };
      const times = timesToCheck(fixes, clock);
      const rows = times.length
        ? await tx.execute<{ t: string; prev_at: Date | null; lon: number | null; lat: number | null; stored: boolean }[]>(
            `select (extract(epoch from f.t) * 1000)::bigint as t, p.recorded_at as prev_at,
                    ST_X(p.location) as lon, ST_Y(p.location) as lat,
                    exists (select 1 from positions d where d.unit_id = ? and d.recorded_at = f.t) as stored
             from unnest(?::timestamptz[]) as f(t)
             left join lateral (
               select recorded_at, location from positions
               where unit_id = ? and recorded_at < f.t order by recorded_at desc limit 1
             ) p on true`,
            [unitId, pgArray(times.map((t) => t.toISOString())), unitId],
          )
        : [];
      const around = new Map<number, StoredAround>(
        rows.map((r) => [
          Number(r.t),
          {
            stored: r.stored,
            previous: r.prev_at ? { recordedAt: new Date(r.prev_at), longitude: r.lon as number, latitude: r.lat as number } : null,
          },
        ]),
      );
      batch = checkBatch(fixes, around, clock);
    } else {
      batch = { accepted: fixes.map((fix, index) => ({ index, fix })), duplicates: 0, rejected: [] };
    }
    if (batch.accepted.length === 0)
      return { stored: [], duplicates: batch.duplicates, rejected: batch.rejected, visits: [], storedAt: null };

    // The times come back as epoch milliseconds, computed by PostgreSQL: the driver's own
    // parsing of a timestamptz reads the year 1 as 1901, and a stored fix was then counted
    // as a duplicate.
    const rows = await tx.execute<{ t: string; received_at: Date }[]>(
      `insert into positions (unit_id, recorded_at, location, accuracy, speed, heading)
       select ?, f.recorded_at, ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326), f.accuracy, f.speed, f.heading
       from jsonb_to_recordset(?::jsonb) as f(recorded_at timestamptz, lon float8, lat float8, accuracy real, speed real, heading real)
       on conflict (unit_id, recorded_at) do nothing
       returning (extract(epoch from recorded_at) * 1000)::bigint as t, received_at`,
      [
        unitId,
        JSON.stringify(
          batch.accepted.map(({ fix: f }) => ({
            recorded_at: f.recordedAt.toISOString(),
            lon: f.longitude,
            lat: f.latitude,
            accuracy: asReal(f.accuracy),
            speed: asReal(f.speed),
            heading: asReal(f.heading),
          })),
        ),
      ],
    );
    // Without the check a repeated time is found here, by the unique key, instead.
    const inserted = new Set(rows.map((r) => Number(r.t)));
    const stored: IngestOutcome['stored'] = [];
    for (const a of batch.accepted) {
      const time = a.fix.recordedAt.getTime();
      if (inserted.delete(time)) stored.push(a);
    }
    stored.sort((a, b) => a.fix.recordedAt.getTime() - b.fix.recordedAt.getTime());
    // Late fixes for a day whose reach is kept make it stale (zone coverage computes it again).
    await markStale(
      tx as EntityManager,
      unitId,
      stored.map((s) => s.fix.recordedAt),
      rules.gapSeconds,
      now,
    );
    const visits: VisitChange[] = [];
    for (const [from, to] of runsOf(stored.map((s) => s.fix.recordedAt.getTime()))) {
      visits.push(...(await detectVisits(tx as EntityManager, unitId, new Date(from), new Date(to), rules)));
    }
    return {
      stored,
      duplicates: batch.duplicates + (batch.accepted.length - stored.length),
      rejected: batch.rejected,
      visits,
      storedAt: rows[0] ? new Date(rows[0].received_at) : null,
    };
  });
}

/**
 * A gap this long in a batch's times splits its visit recomputation into separate
 * windows. Splitting is safe at any gap: each window widens by g and to every visit it
 * touches, and the windows are done in turn in one transaction. An hour keeps a sparse
 * batch to one window, while a batch with one fix from a clock days off does not drag
 * every stored fix in between into the recomputation.
 */
const VISIT_WINDOW_SPLIT_MS = 60 * 60 * 1000;

/** Sorted times as [first, last] runs without a gap over VISIT_WINDOW_SPLIT_MS. */
function runsOf(times: number[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const time of times) {
    const last = runs.at(-1);
    if (last && time - last[1] <= VISIT_WINDOW_SPLIT_MS) last[1] = time;
    else runs.push([time, time]);
  }
  return runs;
}

/**
 * Recomputes a unit's visits around [from, to], where fixes changed, and returns the
 * visits that this created or changed.
 *
 * Brief: a visit is the unit within radius r of a site for consecutive fixes with gaps
 * under g. So a visit is an island of consecutive fixes (in the unit's own sequence) that
 * are all inside the radius, broken by a fix outside it or by a gap of g or more.
 *
 * The window grows by g on both sides and to cover any visit already overlapping it, so
 * islands are never cut at its edges. The islands found there are upserted on (unit,
 * site, entry time) — so a visit that grows keeps its id — and visits in the window that
 * no island supports any more are deleted, all in one statement.
 * Distances use the sites' British National Grid column: metres, with its GiST index.
 */
export async function detectVisits(em: EntityManager, unitId: string, from: Date, to: Date, rules: VisitRules): Promise<VisitChange[]> {
  const gap = `${rules.gapSeconds} seconds`;
  const [window] = await em.execute<{ from_at: Date; to_at: Date }[]>(
    `select least(?::timestamptz - ?::interval, min(entered_at)) as from_at,
            greatest(?::timestamptz + ?::interval, max(exited_at)) as to_at
     from visits
     where unit_id = ? and exited_at >= ?::timestamptz - ?::interval and entered_at <= ?::timestamptz + ?::interval`,
    [from, gap, to, gap, unitId, from, gap, to, gap],
  );
  const fromAt = window?.from_at ?? from;
  const toAt = window?.to_at ?? to;
  const rows = await em.execute<{ id: string; site_id: string; entered_at: Date; exited_at: Date; fixes: number }[]>(
    `with fixes as (
       select p.recorded_at, ST_Transform(p.location, 27700) as pt
       from positions p
       where p.unit_id = ? and p.recorded_at between ? and ?
     ),
     -- Sites the unit came within r of, at least once, in the window.
     near as (
       select distinct s.id, s.location_bng
       from fixes f
       join sites s on ST_DWithin(s.location_bng, f.pt, ?) and s.archived_at is null
     ),
     -- Every fix against every such site: inside the radius or not, and the previous fix.
     flagged as (
       select n.id as site_id, f.recorded_at,
              ST_DWithin(n.location_bng, f.pt, ?) as inside,
              lag(ST_DWithin(n.location_bng, f.pt, ?)) over w as prev_inside,
              lag(f.recorded_at) over w as prev_at
       from near n cross join fixes f
       window w as (partition by n.id order by f.recorded_at)
     ),
     -- An island starts at an inside fix whose previous fix was outside, or too long ago.
     islands as (
       select site_id, recorded_at,
              sum(case when prev_inside is not true or recorded_at - prev_at >= ?::interval then 1 else 0 end)
                over (partition by site_id order by recorded_at) as island
       from flagged
       where inside
     ),
     found as (
       select site_id, min(recorded_at) as entered_at, max(recorded_at) as exited_at, count(*) as fixes
       from islands
       group by site_id, island
     ),
     -- Visits in the window that no island supports any more (e.g. a late fix moved the entry).
     gone as (
       delete from visits v
       where v.unit_id = ? and v.entered_at between ? and ?
         and not exists (select 1 from found f where f.site_id = v.site_id and f.entered_at = v.entered_at)
     )
     insert into visits (id, unit_id, site_id, entered_at, exited_at, fixes)
     select gen_random_uuid(), ?, site_id, entered_at, exited_at, fixes
     from found
     on conflict (unit_id, site_id, entered_at) do update set exited_at = excluded.exited_at, fixes = excluded.fixes
       where (visits.exited_at, visits.fixes) is distinct from (excluded.exited_at, excluded.fixes)
     returning id, site_id, entered_at, exited_at, fixes`,
    [unitId, fromAt, toAt, rules.radiusMetres, rules.radiusMetres, rules.radiusMetres, gap, unitId, fromAt, toAt, unitId],
  );
  return rows
    .map((r) => ({
      id: r.id,
      unitId,
      siteId: r.site_id,
      enteredAt: new Date(r.entered_at),
      exitedAt: new Date(r.exited_at),
      fixes: Number(r.fixes),
    }))
    .sort((a, b) => a.enteredAt.getTime() - b.enteredAt.getTime());
}
