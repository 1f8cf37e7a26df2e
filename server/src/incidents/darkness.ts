import type { EntityManager } from '@mikro-orm/postgresql';
import { getTimes } from 'suncalc';
import { query, sql } from '../db/sql.js';
import { Darkness, TimePrecision } from './incident.entity.js';

/**
 * Version of the twilight algorithm behind stored darkness values. Bump it when the
 * algorithm changes: the migration that introduces a version recomputes every stored
 * value with it (Migration20261229DarknessNoaa, for this one).
 *
 * 1: suncalc 1.9 (civil dawn and dusk 1–3 minutes late in Britain, its issue #164).
 * 2: suncalc 2 (Meeus ch. 25 solar coordinates, iterated: within 4 s of the NOAA solar
 *    equations at London, Edinburgh and Lerwick all year; tests/imports/darkness.test.ts).
 */
export const DARKNESS_ALGORITHM = 2;

/**
 * Civil dawn and dusk of the solar day around `at` at a place: when the centre of the sun
 * is 6° below the horizon, geometrically (no refraction, the USNO definition), as suncalc 2
 * computes them. suncalc 2 takes the solar day whose local solar noon is nearest `at`, so
 * `at` always lies between the previous evening's dusk and the next morning's dawn of the
 * same night — which is what "between civil dusk and civil dawn on that date" needs, even
 * around midnight. Both are null on a date when the sun stays above −6° (white nights) or
 * below it (polar night) all day.
 */
export function civilTwilight(at: Date, longitude: number, latitude: number): { dawn: Date | null; dusk: Date | null; sunUp: boolean } {
  const times = getTimes(at, latitude, longitude);
  // Without a civil dawn the sun stays on one side of −6° all day: above it if it rises at
  // all (sunrise is at −0.833°) or never sets, below it otherwise.
  const sunUp = times.sunrise !== null || times.alwaysUp === true;
  return { dawn: times.dawn, dusk: times.dusk, sunUp };
}

/**
 * Brief: an incident with an exact time is DARK when it happened between civil dusk and
 * civil dawn at its location on that date, else LIGHT; one known only to the month is
 * UNKNOWN. Where a date has no civil dusk or dawn (high-latitude summer or winter) it is
 * LIGHT or DARK all day, by which side of −6° the sun stays on.
 */
export function darknessOf(occurredAt: Date, precision: TimePrecision, longitude: number, latitude: number): Darkness {
  if (precision !== TimePrecision.EXACT) return Darkness.UNKNOWN;
  const { dawn, dusk, sunUp } = civilTwilight(occurredAt, longitude, latitude);
  if (dawn && dusk) return occurredAt < dawn || occurredAt >= dusk ? Darkness.DARK : Darkness.LIGHT;
  return sunUp ? Darkness.LIGHT : Darkness.DARK;
}

/** Incidents read and rewritten per statement: bounded memory however many there are. */
const RECLASSIFY_BATCH = 20_000;

/**
 * Classifies every stored exact-time incident again with darknessOf, in keyset batches,
 * writing only the rows whose value changes; month-precision ones stay UNKNOWN. Run by the
 * migration that brings in a new twilight algorithm. Returns how many rows changed.
 */
export async function reclassifyDarkness(em: EntityManager): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000';
  let changed = 0;
  for (;;) {
    const rows = await query<{ id: string; occurred_at: string; lon: number; lat: number; darkness: string }>(
      em,
      sql`select id, occurred_at, ST_X(location) as lon, ST_Y(location) as lat, darkness
          from incidents where occurred_precision = 'EXACT' and id > ${after}::uuid order by id limit ${RECLASSIFY_BATCH}`,
    );
    if (rows.length === 0) return changed;
    const ids: string[] = [];
    const values: string[] = [];
    for (const r of rows) {
      const darkness = darknessOf(new Date(r.occurred_at), TimePrecision.EXACT, Number(r.lon), Number(r.lat));
      if (darkness !== r.darkness) {
        ids.push(r.id);
        values.push(darkness);
      }
    }
    if (ids.length > 0) {
      await query(
        em,
        sql`update incidents i set darkness = u.darkness::darkness
            from unnest(${ids}::uuid[], ${values}::text[]) as u(id, darkness) where i.id = u.id`,
      );
      changed += ids.length;
    }
    after = rows.at(-1)!.id;
  }
}
