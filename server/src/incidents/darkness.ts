import SunCalc from 'suncalc';
import { Darkness, TimePrecision } from './incident.entity.js';

/** Civil twilight ends (dusk) and begins (dawn) when the sun's centre is 6° below the horizon. */
const CIVIL_TWILIGHT_ALTITUDE = (-6 * Math.PI) / 180;

/**
 * Brief: an incident with an exact time is DARK when it happened between civil dusk and
 * civil dawn at its location on that date, else LIGHT; one known only to the month is
 * UNKNOWN. "Between civil dusk and civil dawn" is exactly "the sun more than 6° below the
 * horizon", so the sun's altitude at that instant and place decides — which also holds
 * where a date has no dusk at all (high-latitude summer).
 */
export function darknessOf(occurredAt: Date, precision: TimePrecision, longitude: number, latitude: number): Darkness {
  if (precision !== TimePrecision.EXACT) return Darkness.UNKNOWN;
  const { altitude } = SunCalc.getPosition(occurredAt, latitude, longitude);
  return altitude < CIVIL_TWILIGHT_ALTITUDE ? Darkness.DARK : Darkness.LIGHT;
}
