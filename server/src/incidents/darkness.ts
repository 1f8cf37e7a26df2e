import SunCalc from 'suncalc';
import { Darkness, TimePrecision } from './incident.entity.js';

/** Civil twilight ends (dusk) and begins (dawn) when the sun's centre is 6° below the horizon. */
const CIVIL_TWILIGHT_ALTITUDE = (-6 * Math.PI) / 180;

/**
 * Civil dawn and dusk (suncalc's `dawn` and `dusk`) of the solar day around `at` at a place.
 * suncalc picks the day whose solar noon is nearest `at`, so `at` always lies between the
 * previous evening's dusk and the next morning's dawn of the same night — which is what
 * "between civil dusk and civil dawn on that date" needs, even around midnight. Either is
 * null on a date when the sun never gets 6° below the horizon (or never rises that far).
 */
export function civilTwilight(at: Date, longitude: number, latitude: number): { dawn: Date | null; dusk: Date | null } {
  const { dawn, dusk } = SunCalc.getTimes(at, latitude, longitude);
  const valid = (d: Date) => (Number.isFinite(d.getTime()) ? d : null);
  return { dawn: valid(dawn), dusk: valid(dusk) };
}

/**
 * Brief: an incident with an exact time is DARK when it happened between civil dusk and
 * civil dawn at its location on that date, else LIGHT; one known only to the month is
 * UNKNOWN. Dusk and dawn are suncalc's civil ones; where a date has none (high-latitude
 * summer or winter) the sun's altitude at that instant decides, which is the same rule.
 */
export function darknessOf(occurredAt: Date, precision: TimePrecision, longitude: number, latitude: number): Darkness {
  if (precision !== TimePrecision.EXACT) return Darkness.UNKNOWN;
  const { dawn, dusk } = civilTwilight(occurredAt, longitude, latitude);
  if (dawn && dusk) return occurredAt < dawn || occurredAt >= dusk ? Darkness.DARK : Darkness.LIGHT;
  const { altitude } = SunCalc.getPosition(occurredAt, latitude, longitude);
  return altitude < CIVIL_TWILIGHT_ALTITUDE ? Darkness.DARK : Darkness.LIGHT;
}
