import SunCalc from 'suncalc';
import type { LonLat } from './geo.js';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The last Sunday of a month, 01:00 UTC: when British Summer Time starts (March) or ends (October). */
function lastSundayOneAmUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/**
 * Minutes London is ahead of UTC at an instant: 60 in British Summer Time, else 0.
 * Written out (rather than asking Intl) so the demo does not depend on the machine's
 * time-zone database.
 */
export function londonOffsetMinutes(at: Date): number {
  const year = at.getUTCFullYear();
  const t = at.getTime();
  return t >= lastSundayOneAmUtc(year, 2) && t < lastSundayOneAmUtc(year, 9) ? 60 : 0;
}

/** Midnight (London time) starting the London day that contains `at`. */
export function londonMidnight(at: Date): Date {
  const local = new Date(at.getTime() + londonOffsetMinutes(at) * MINUTE);
  const midnightAsUtc = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  // The offset at midnight itself (clocks change at 01:00 UTC, after midnight in both zones).
  return new Date(midnightAsUtc - londonOffsetMinutes(new Date(midnightAsUtc)) * MINUTE);
}

/** The instant of a London wall-clock time (hours, may exceed 24) on the day starting at `midnight`. */
export function londonTime(midnight: Date, hours: number): Date {
  const naive = new Date(midnight.getTime() + londonOffsetMinutes(midnight) * MINUTE + hours * HOUR);
  // Re-read the offset at the target instant, so a time after a clock change lands right.
  return new Date(naive.getTime() - londonOffsetMinutes(naive) * MINUTE);
}

/** London wall-clock hour (0–24, fractional) of an instant. */
export function londonHour(at: Date): number {
  const local = new Date(at.getTime() + londonOffsetMinutes(at) * MINUTE);
  return local.getUTCHours() + local.getUTCMinutes() / 60 + local.getUTCSeconds() / 3600;
}

/** Day of week in London, 0 = Sunday. */
export function londonWeekday(at: Date): number {
  return new Date(at.getTime() + londonOffsetMinutes(at) * MINUTE).getUTCDay();
}

/**
 * Civil dawn and dusk (sun 6° below the horizon: suncalc's `dawn` and `dusk`) for the London
 * day starting at `midnight`, at a place. The generator uses them to put the dark-nights
 * vehicle crime after dusk; the server classifies every stored incident itself.
 */
export function civilTwilight(midnight: Date, place: LonLat): { dawn: Date; dusk: Date } {
  const times = SunCalc.getTimes(new Date(midnight.getTime() + 12 * HOUR), place[1], place[0]);
  return { dawn: times.dawn, dusk: times.dusk };
}
