import type { EntityManager } from '@mikro-orm/postgresql';

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

/**
 * Stores a unit's fixes in one statement (not one per ping) and brings its visits up to
 * date in the same transaction, so a position is acknowledged only with its visits.
 * Idempotent on (unit, recordedAt).
 */
export async function storePositions(em: EntityManager, unitId: string, fixes: Fix[], rules: VisitRules): Promise<StoreResult> {
  if (fixes.length === 0) return { stored: 0, duplicates: 0 };
  return em.transactional(async (tx) => {
    // tx.execute (not getConnection().execute) so the statement runs inside the transaction.
    const rows = await tx.execute<{ recorded_at: Date }[]>(
      `insert into positions (unit_id, recorded_at, location, accuracy, speed, heading)
       select ?, f.recorded_at, ST_SetSRID(ST_MakePoint(f.lon, f.lat), 4326), f.accuracy, f.speed, f.heading
       from jsonb_to_recordset(?::jsonb) as f(recorded_at timestamptz, lon float8, lat float8, accuracy real, speed real, heading real)
       on conflict (unit_id, recorded_at) do nothing
       returning recorded_at`,
      [
        unitId,
        JSON.stringify(
          fixes.map((f) => ({
            recorded_at: f.recordedAt.toISOString(),
            lon: f.longitude,
            lat: f.latitude,
            accuracy: f.accuracy ?? null,
            speed: f.speed ?? null,
            heading: f.heading ?? null,
          })),
        ),
      ],
    );
    if (rows.length > 0) {
      const times = rows.map((r) => new Date(r.recorded_at).getTime());
      await detectVisits(tx as EntityManager, unitId, new Date(Math.min(...times)), new Date(Math.max(...times)), rules);
    }
    return { stored: rows.length, duplicates: fixes.length - rows.length };
  });
}

/**
 * Recomputes a unit's visits around [from, to], where fixes changed.
 *
 * Brief: a visit is the unit within radius r of a site for consecutive fixes with gaps
 * under g. So a visit is an island of consecutive fixes (in the unit's own sequence) that
 * are all inside the radius, broken by a fix outside it or by a gap of g or more.
 *
 * The window grows by g on both sides and to cover any visit already overlapping it, so
 * islands are never cut at its edges; those visits are deleted and rebuilt in one pass.
 * Distances use the sites' British National Grid column: metres, with its GiST index.
 */
export async function detectVisits(em: EntityManager, unitId: string, from: Date, to: Date, rules: VisitRules): Promise<void> {
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
  await em.execute(`delete from visits where unit_id = ? and entered_at >= ? and entered_at <= ?`, [unitId, fromAt, toAt]);
  await em.execute(
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
     )
     insert into visits (id, unit_id, site_id, entered_at, exited_at, fixes)
     select gen_random_uuid(), ?, site_id, min(recorded_at), max(recorded_at), count(*)
     from islands
     group by site_id, island
     on conflict (unit_id, site_id, entered_at) do update set exited_at = excluded.exited_at, fixes = excluded.fixes`,
    [unitId, fromAt, toAt, rules.radiusMetres, rules.radiusMetres, rules.radiusMetres, gap, unitId],
  );
}
