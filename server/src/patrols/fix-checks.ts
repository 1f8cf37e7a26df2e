import { registerEnumType } from 'type-graphql';
import type { Fix } from './positions.service.js';

/**
 * 70 m/s is 252 km/h: faster than any patrol car on London streets, slower than the jumps
 * a receiver makes when it loses its fix (multipath between tall buildings, a cold start
 * placing the unit kilometres away). A fix implying more, from the unit's previous fix,
 * is a receiver error, and it would draw a false line through the trace and the visits.
 */
export const MAX_SPEED_MPS = 70;
/** Device clocks drift a little; a fix from further ahead than this is a wrong clock. */
export const MAX_FUTURE_MS = 5 * 60 * 1000;
/** Fixes per recordPositions call: a device that was offline for an hour at 1 Hz sends 4 batches. */
export const MAX_BATCH = 1000;
/**
 * A receiver reports its horizontal accuracy in metres: a few metres outdoors, hundreds
 * from cell towers alone. Past 100 km the fix says nothing about where the unit is (and
 * 1e300 is past what the `real` column holds, 3.4e38).
 */
export const MAX_ACCURACY_METRES = 100_000;

export enum FixRejection {
  NULL_ISLAND = 'NULL_ISLAND',
  OUT_OF_RANGE = 'OUT_OF_RANGE',
  IN_THE_FUTURE = 'IN_THE_FUTURE',
  TOO_OLD = 'TOO_OLD',
  IMPOSSIBLE_SPEED = 'IMPOSSIBLE_SPEED',
}
registerEnumType(FixRejection, {
  name: 'FixRejection',
  description: 'Why a fix was not stored.',
  valuesConfig: {
    NULL_ISLAND: { description: 'At longitude 0, latitude 0: what receivers send when they have no fix.' },
    OUT_OF_RANGE: {
      description:
        'Longitude outside -180..180, latitude outside -90..90, an accuracy outside 0..100,000 m, a negative speed, or a heading outside 0..360.',
    },
    IN_THE_FUTURE: { description: 'Recorded more than 5 minutes after the server clock: the device clock is wrong.' },
    TOO_OLD: {
      description: 'Recorded before the retention period (POSITION_RETENTION_DAYS): it would be purged at once, so it is not stored.',
    },
    IMPOSSIBLE_SPEED: { description: 'A reported speed, or the speed implied from the previous fix, above 70 m/s (252 km/h).' },
  },
});

export interface Rejection {
  /** Position of the fix in the batch as sent. */
  index: number;
  reason: FixRejection;
  /** The same in words, with the values, for the device's log. */
  message: string;
}

/** A fix already in the database: the anchor the next fix's speed is measured from. */
export interface StoredFix {
  recordedAt: Date;
  longitude: number;
  latitude: number;
}

/** What the database holds around one time of the batch (by epoch milliseconds). */
export interface StoredAround {
  /** The unit's last stored fix before that time. */
  previous: StoredFix | null;
  /** Whether a fix of the unit at exactly that time is stored already. */
  stored: boolean;
}

export interface CheckedBatch {
  /** Fixes to store, in time order, with their index in the batch. */
  accepted: { index: number; fix: Fix }[];
  /** Fixes whose unit and time are already stored (or come earlier in this batch). */
  duplicates: number;
  rejected: Rejection[];
}

/** Great-circle distance in metres (haversine on a 6,371 km sphere: within 0.5 % of the spheroid). */
export function metresBetween(a: { longitude: number; latitude: number }, b: { longitude: number; latitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The oldest a fix may be, and the server clock, for the checks of a fix on its own. */
export interface FixClock {
  now: Date;
  /** Fixes recorded before this are refused as TOO_OLD: the retention cut. */
  oldest: Date;
}

/** What is wrong with a fix on its own, if anything. */
function problemOf(fix: Fix, { now, oldest }: FixClock): Omit<Rejection, 'index'> | null {
  const { longitude: lon, latitude: lat } = fix;
  const time = fix.recordedAt instanceof Date ? fix.recordedAt.getTime() : Number.NaN;
  if (!Number.isFinite(lon) || !Number.isFinite(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90)
    return { reason: FixRejection.OUT_OF_RANGE, message: `position (${lon}, ${lat}) is outside longitude -180..180, latitude -90..90` };
  if (lon === 0 && lat === 0)
    return { reason: FixRejection.NULL_ISLAND, message: 'position (0, 0) is what a receiver without a fix sends' };
  if (fix.accuracy != null && !(fix.accuracy >= 0 && fix.accuracy <= MAX_ACCURACY_METRES))
    return { reason: FixRejection.OUT_OF_RANGE, message: `accuracy ${fix.accuracy} is outside 0..${MAX_ACCURACY_METRES} m` };
  if (fix.speed != null && !(fix.speed >= 0)) return { reason: FixRejection.OUT_OF_RANGE, message: `speed ${fix.speed} is negative` };
  if (fix.heading != null && !(fix.heading >= 0 && fix.heading <= 360))
    return { reason: FixRejection.OUT_OF_RANGE, message: `heading ${fix.heading} is outside 0..360` };
  if (!Number.isFinite(time)) return { reason: FixRejection.OUT_OF_RANGE, message: 'recordedAt is not a time' };
  if (time > now.getTime() + MAX_FUTURE_MS)
    return {
      reason: FixRejection.IN_THE_FUTURE,
      message: `recordedAt ${fix.recordedAt.toISOString()} is more than ${MAX_FUTURE_MS / 60_000} minutes ahead of the server clock`,
    };
  if (time < oldest.getTime())
    return {
      reason: FixRejection.TOO_OLD,
      message: `recordedAt ${fix.recordedAt.toISOString()} is before the retention period (positions before ${oldest.toISOString()} are purged)`,
    };
  if (fix.speed != null && fix.speed > MAX_SPEED_MPS)
    return { reason: FixRejection.IMPOSSIBLE_SPEED, message: `reported speed ${fix.speed} m/s is above ${MAX_SPEED_MPS} m/s` };
  return null;
}

/** The distinct times of the fixes that pass the checks of a fix on its own: what `around` must cover. */
export function timesToCheck(fixes: Fix[], clock: FixClock): Date[] {
  const times = new Set<number>();
  for (const fix of fixes) if (!problemOf(fix, clock)) times.add(fix.recordedAt.getTime());
  return [...times].map((t) => new Date(t));
}

/**
 * Sorts a batch into fixes to store, duplicates and rejections.
 *
 * Speed is checked between consecutive fixes in time order: each fix against the latest
 * fix before it that is stored or accepted from this batch. A rejected fix is no anchor,
 * so one wild fix is rejected on its own and the good fix after it is measured from the
 * last good one, not from the wild one.
 *
 * `around` tells, for each time in the batch, the unit's stored fix before it and whether
 * one is stored at that very time (see `timesToCheck`).
 */
export function checkBatch(fixes: Fix[], around: Map<number, StoredAround>, clock: FixClock): CheckedBatch {
  const rejected: Rejection[] = [];
  const candidates: { index: number; fix: Fix; time: number }[] = [];
  fixes.forEach((fix, index) => {
    const problem = problemOf(fix, clock);
    if (problem) rejected.push({ index, ...problem });
    else candidates.push({ index, fix, time: fix.recordedAt.getTime() });
  });
  // Stable: among equal times the first sent wins, the later ones are duplicates.
  candidates.sort((a, b) => a.time - b.time || a.index - b.index);

  const accepted: CheckedBatch['accepted'] = [];
  let duplicates = 0;
  let lastAccepted: StoredFix | null = null;
  for (const c of candidates) {
    const here = around.get(c.time);
    if (here?.stored || c.time === lastAccepted?.recordedAt.getTime()) {
      duplicates++;
      continue;
    }
    // The latest fix before this one: stored, or accepted just now from this batch.
    const previous = here?.previous ?? null;
    const anchor = lastAccepted && (!previous || lastAccepted.recordedAt > previous.recordedAt) ? lastAccepted : previous;
    if (anchor) {
      const seconds = (c.time - anchor.recordedAt.getTime()) / 1000;
      const speed = metresBetween(anchor, c.fix) / seconds;
      if (speed > MAX_SPEED_MPS) {
        rejected.push({
          index: c.index,
          reason: FixRejection.IMPOSSIBLE_SPEED,
          message: `implies ${Math.round(speed)} m/s from the fix at ${anchor.recordedAt.toISOString()} (above ${MAX_SPEED_MPS} m/s)`,
        });
        continue;
      }
    }
    accepted.push({ index: c.index, fix: c.fix });
    lastAccepted = { recordedAt: c.fix.recordedAt, longitude: c.fix.longitude, latitude: c.fix.latitude };
  }
  rejected.sort((a, b) => a.index - b.index);
  return { accepted, duplicates, rejected };
}
