import type { EntityManager } from '@mikro-orm/postgresql';
import { markStale, staleMarks } from '../analytics/reach.js';
import type { AuditInTransaction } from '../audit/audit.middleware.js';
import { empty, join, metric, numbers, query, Sql, sql } from '../db/sql.js';
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
  /** The call's audit line, written in the batch's transaction (with its insert when there is one). */
  audit?: AuditInTransaction;
}

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
 * A unit's fixes between two times (both included), on the unit's own key. The times as a
 * row comparison, which only positions_unit_recorded_at_unique can answer: with
 * `recorded_at between …` PostgreSQL took the index on recorded_at alone, since the times
 * being ingested are always newer than its statistics, and read every unit's fixes of the
 * window to keep one unit's (13,000 rows for 600 at 1M, tests/bench). The equality on the
 * unit stays for the row estimate (68,000 without it, rather than 135).
 */
const unitFixesBetween = (unitId: string, from: Sql, to: Sql) =>
  sql`p.unit_id = ${unitId}::uuid and (p.unit_id, p.recorded_at) between (${unitId}::uuid, ${from}) and (${unitId}::uuid, ${to})`;

/**
 * Epoch milliseconds (int8) as a timestamptz, exactly: whole seconds through to_timestamp,
 * then the milliseconds. to_timestamp(ms / 1000.0) goes through float8 seconds, which
 * miss by microseconds far from 1970 (three times in four in the year 9999), and a fix
 * stored a few microseconds off its time was then not found as stored.
 */
export const fromEpochMs = (ms: Sql) => sql`(to_timestamp(${ms} / 1000) + (${ms} % 1000) * interval '1 millisecond')`;

type StoredRow = { t: number; at: number | null; lon: number | null; lat: number | null };

/**
 * What the unit has stored around each time of a batch (fix-checks.ts): whether a fix at
 * that very time is stored, and else the latest fix before it, the speed check's anchor.
 *
 * A device sends its fixes in order, so usually its latest stored fix at or before the
 * batch's last time comes before the batch's first: then nothing in the batch is stored
 * and that fix is every time's anchor, found with one index probe. Otherwise (a resent or
 * late batch) one probe per time: the latest fix at or before it, which is either the fix
 * at that time or the anchor. Bounded by the batch, however far apart its times are.
 * Times go both ways as epoch milliseconds (the driver's own parsing of a timestamptz read
 * the year 1 as 1901, and a stored fix was then counted as a duplicate).
 */
async function storedAround(tx: EntityManager, unitId: string, times: number[]): Promise<Map<number, StoredAround>> {
  const first = Math.min(...times);
  const last = Math.max(...times);
  const latest = (t: Sql) =>
    sql`select (extract(epoch from p.recorded_at) * 1000)::float8 as at, ST_X(p.location) as lon, ST_Y(p.location) as lat
        from positions p
        where p.unit_id = ${unitId}::uuid and (p.unit_id, p.recorded_at) <= (${unitId}::uuid, ${fromEpochMs(t)})
        order by p.unit_id desc, p.recorded_at desc limit 1`;
  const [before] = await query<Omit<StoredRow, 't'>>(tx, latest(sql`${last}::int8`));
  const around = new Map<number, StoredAround>();
  if (!before || Number(before.at) < first) {
    const previous = before
      ? { recordedAt: new Date(Number(before.at)), longitude: before.lon as number, latitude: before.lat as number }
      : null;
    for (const t of times) around.set(t, { stored: false, previous });
    return around;
  }
  const rows = await query<StoredRow>(
    tx,
    sql`select f.t, p.at, p.lon, p.lat from unnest(${numbers('int8', times)}) as f(t) left join lateral (${latest(sql`f.t`)}) p on true`,
  );
  for (const r of rows) {
    const t = Number(r.t);
    const at = r.at === null ? null : Number(r.at);
    around.set(t, {
      stored: at === t,
      previous: at !== null && at !== t ? { recordedAt: new Date(at), longitude: r.lon as number, latitude: r.lat as number } : null,
    });
  }
  return around;
}

/**
 * The ingest path of devices: checks the fixes, stores the good ones with one
 * INSERT … SELECT FROM unnest(arrays), and recomputes the visits they touch, all in one
 * transaction. When this resolves the fixes are committed; not before.
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
  { check = true, now = new Date(), retentionDays, audit }: IngestOptions = {},
): Promise<IngestOutcome> {
  if (fixes.length === 0) return { stored: [], duplicates: 0, rejected: [], visits: [], storedAt: null };
  return em.transactional(async (tx) => {
    const auditLine = audit?.line ?? null;
    const outcome = await storeBatch(tx as EntityManager, unitId, fixes, rules, { check, now, retentionDays, auditLine });
    // A checked batch that stores anything carries the line in its insert; otherwise (nothing
    // to store, or stored unchecked) the line is a statement of its own.
    if (auditLine && !(check && outcome.stored.length > 0)) await query(tx, auditLine);
    audit?.written();
    return outcome;
  });
}

/** ingestPositions's work, in its transaction `tx`. */
async function storeBatch(
  tx: EntityManager,
  unitId: string,
  fixes: Fix[],
  rules: VisitRules,
  { check, now, retentionDays, auditLine }: { check: boolean; now: Date; retentionDays?: number; auditLine: Sql | null },
): Promise<IngestOutcome> {
  // The transaction's start is the received_at of every row it stores. JIT off for the
  // transaction (SET LOCAL): the visit statement's estimates (every fix against every
  // site it might pass) pass jit_above_cost whenever the planner knows how many fixes
  // the window holds, and compiling it took 2.3 s of a batch that runs in 30 ms.
  const [unit] = await query<{ started: number }>(
    tx,
    sql`select (extract(epoch from now()) * 1000)::float8 as started, set_config('jit', 'off', true)
        from patrol_units where id = ${unitId}::uuid for no key update`,
  );
  if (!unit) throw notFound('Patrol unit', unitId);

  let batch: CheckedBatch;
  if (check) {
    // For each time in the batch, one index probe: the unit's latest stored fix at or
    // before it, which is either the fix at that very time (a duplicate) or the speed
    // check's anchor. Bounded by the batch, however far apart its times are. Times go
    // both ways as epoch milliseconds (the driver's own parsing of a timestamptz read
    // the year 1 as 1901, and a stored fix was then counted as a duplicate).
    const clock = { now, oldest: new Date(retentionDays === undefined ? -8.64e15 : now.getTime() - retentionDays * 86_400_000) };
    const times = timesToCheck(fixes, clock).map((t) => t.getTime());
    const around = times.length ? await storedAround(tx, unitId, times) : new Map<number, StoredAround>();
    batch = checkBatch(fixes, around, clock);
  } else {
    batch = { accepted: fixes.map((fix, index) => ({ index, fix })), duplicates: 0, rejected: [] };
  }
  if (batch.accepted.length === 0)
    return { stored: [], duplicates: batch.duplicates, rejected: batch.rejected, visits: [], storedAt: null };

  // One statement over parallel arrays, one element a fix. Checked, no fix here is stored
  // already (the unit is locked, the batch's own repeats are counted as duplicates), so a
  // plain insert stores them all: a conflict would be a bug, and fails the batch loudly.
  // Unchecked, a repeated time is found here, by the unique key (on conflict nothing), and
  // left out of what RETURNING says was stored. (The speculative insertion on conflict
  // asks for, and the rows returned, are work a checked batch does not need.)
  const accepted = batch.accepted;
  // Bound in the binary array format (db/sql.ts numbers).
  const column = (type: 'float8' | 'float4', field: 'longitude' | 'latitude' | 'accuracy' | 'speed' | 'heading') =>
    numbers(
      type,
      accepted.map((a) => a.fix[field]),
    );
  const times = numbers(
    'int8',
    accepted.map((a) => a.fix.recordedAt.getTime()),
  );
  const source = sql`select * from unnest(${times}, ${column('float8', 'longitude')}, ${column('float8', 'latitude')},
      ${column('float4', 'accuracy')}, ${column('float4', 'speed')}, ${column('float4', 'heading')}) as f(t, lon, lat, accuracy, speed, heading)`;
  const insertFrom = (from: Sql) => sql`insert into positions (unit_id, recorded_at, location, accuracy, speed, heading)
      select ${unitId}::uuid, ${fromEpochMs(sql`f.t`)}, ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326), f.accuracy, f.speed, f.heading
      from ${from} f`;
  const visits: VisitChange[] = [];
  let stored: IngestOutcome['stored'];
  if (check) {
    stored = [...accepted].sort((a, b) => a.fix.recordedAt.getTime() - b.fix.recordedAt.getTime());
    const runs = runsOf(stored.map((s) => s.fix.recordedAt.getTime()));
    // The insert also marks the kept reach its fixes change stale and writes the call's
    // audit line (data-modifying CTEs); for a batch of one run of times (a device's usual
    // batch) the same statement detects the visits too, from the stored fixes and the
    // batch's own (which no part of the statement could read back from the table). Each
    // statement a batch saves is a round trip on the server's one thread (tests/bench, ingest).
    const marks = staleMarks(
      unitId,
      accepted.map((a) => a.fix.recordedAt),
      rules.gapSeconds,
      now,
    );
    const ctes = [
      sql`batch_fixes as (${source})`,
      sql`stored_fixes as (${insertFrom(sql`batch_fixes`)})`,
      ...(marks ? [marks] : []),
      ...(auditLine ? [sql`audit_line as (${auditLine})`] : []),
    ];
    if (runs.length === 1) {
      const [[from, to]] = runs as [[number, number]];
      const batchFixes = sql`select ${fromEpochMs(sql`b.t`)} as recorded_at, ST_SetSRID(ST_MakePoint(b.lon, b.lat), 4326) as location from batch_fixes b`;
      visits.push(...(await detectVisits(tx, unitId, new Date(from), new Date(to), rules, { ctes: join(ctes, ', '), fixes: batchFixes })));
      return outcomeOf(stored, visits);
    }
    await query(tx, sql`with ${join(ctes, ', ')} select 1`);
  } else {
    const rows = await query<{ t: number }>(
      tx,
      sql`${insertFrom(sql`(${source})`)} on conflict (unit_id, recorded_at) do nothing returning (extract(epoch from recorded_at) * 1000)::float8 as t`,
    );
    const inserted = new Set(rows.map((r) => Number(r.t)));
    stored = accepted.filter((a) => inserted.delete(a.fix.recordedAt.getTime()));
    stored.sort((a, b) => a.fix.recordedAt.getTime() - b.fix.recordedAt.getTime());
    // Late fixes for a day whose reach is kept make it stale (zone coverage computes it again).
    await markStale(
      tx,
      unitId,
      stored.map((s) => s.fix.recordedAt),
      rules.gapSeconds,
      now,
    );
  }
  for (const [from, to] of runsOf(stored.map((s) => s.fix.recordedAt.getTime()))) {
    visits.push(...(await detectVisits(tx, unitId, new Date(from), new Date(to), rules)));
  }
  return outcomeOf(stored, visits);

  function outcomeOf(stored: IngestOutcome['stored'], visits: VisitChange[]): IngestOutcome {
    return {
      stored,
      duplicates: batch.duplicates + (accepted.length - stored.length),
      rejected: batch.rejected,
      visits,
      storedAt: stored.length > 0 ? new Date(Number(unit!.started)) : null,
    };
  }
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
export async function detectVisits(
  em: EntityManager,
  unitId: string,
  from: Date,
  to: Date,
  rules: VisitRules,
  along?: {
    /** CTEs the statement runs first (the batch's own insert: storeBatch). */
    ctes: Sql;
    /** Fixes of the window the table cannot show this statement (inserted by `ctes`): recorded_at, location. */
    fixes: Sql;
  },
): Promise<VisitChange[]> {
  const gap = sql`make_interval(secs => ${rules.gapSeconds}::float8)`;
  const r = sql`${rules.radiusMetres}::float8`;
  const fromAt = sql`w.from_at`;
  const toAt = sql`w.to_at`;
  const rows = await query<{ id: string; site_id: string; entered_at: number; exited_at: number; fixes: number }>(
    em,
    sql`with ${along ? sql`${along.ctes},` : empty} w as materialized (
          select least(${from}::timestamptz - ${gap}, min(entered_at)) as from_at,
                 greatest(${to}::timestamptz + ${gap}, max(exited_at)) as to_at
          from visits
          where unit_id = ${unitId}::uuid and exited_at >= ${from}::timestamptz - ${gap} and entered_at <= ${to}::timestamptz + ${gap}
        ),
        fixes as (
          select p.recorded_at, ${metric(sql`p.location`)} as pt
          from w, positions p
          where ${unitFixesBetween(unitId, fromAt, toAt)}
          ${along ? sql`union all select n.recorded_at, ${metric(sql`n.location`)} from (${along.fixes}) n` : empty}
        ),
        -- Sites the unit came within r of, at least once, in the window: within r of the
        -- window's fixes taken together, one index probe rather than one per fix.
        near as (
          select s.id, s.location_bng
          from (select ST_Collect(f.pt) as g from fixes f) c
          join sites s on ST_DWithin(s.location_bng, c.g, ${r}) and s.archived_at is null
        ),
        -- Every fix against every such site: inside the radius or not (measured once a
        -- pair, then read from the fix before through lag), and the previous fix.
        flagged as (
          select site_id, recorded_at, inside,
                 lag(inside) over win as prev_inside,
                 lag(recorded_at) over win as prev_at
          from (select n.id as site_id, f.recorded_at, ST_DWithin(n.location_bng, f.pt, ${r}) as inside
                from near n cross join fixes f) pairs
          window win as (partition by site_id order by recorded_at)
        ),
        -- An island starts at an inside fix whose previous fix was outside, or too long ago.
        islands as (
          select site_id, recorded_at,
                 sum(case when prev_inside is not true or recorded_at - prev_at >= ${gap} then 1 else 0 end)
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
          delete from visits v using w
          where v.unit_id = ${unitId}::uuid and v.entered_at between ${fromAt} and ${toAt}
            and not exists (select 1 from found f where f.site_id = v.site_id and f.entered_at = v.entered_at)
        )
        insert into visits (id, unit_id, site_id, entered_at, exited_at, fixes)
        select gen_random_uuid(), ${unitId}::uuid, site_id, entered_at, exited_at, fixes
        from found
        on conflict (unit_id, site_id, entered_at) do update set exited_at = excluded.exited_at, fixes = excluded.fixes
          where (visits.exited_at, visits.fixes) is distinct from (excluded.exited_at, excluded.fixes)
        returning id, site_id, (extract(epoch from entered_at) * 1000)::float8 as entered_at,
                  (extract(epoch from exited_at) * 1000)::float8 as exited_at, fixes`,
  );
  return rows
    .map((v) => ({
      id: v.id,
      unitId,
      siteId: v.site_id,
      enteredAt: new Date(Number(v.entered_at)),
      exitedAt: new Date(Number(v.exited_at)),
      fixes: Number(v.fixes),
    }))
    .sort((a, b) => a.enteredAt.getTime() - b.enteredAt.getTime());
}
