import { civilTwilight, Darkness, darknessOf, TimePrecision } from '@vigil/server';
import SunCalc from 'suncalc';
import { describe, expect, it } from 'vitest';

// South End Green, Hampstead Town ward: where the dark-nights thefts from vehicles happen.
const SEG = { lon: -0.1658, lat: 51.5563 };
const at = (iso: string) => darknessOf(new Date(iso), TimePrecision.EXACT, SEG.lon, SEG.lat);
const MINUTE = 60_000;

describe('darkness of an incident: between civil dusk and civil dawn at its place and date', () => {
  it('a theft from a car at South End Green at 17:30 on a November evening is dark; at noon it is light; at 06:30 dark', () => {
    // Civil dusk there on 21 November 2026 is about 16:35 GMT, civil dawn about 07:05.
    expect(at('2026-11-21T17:30:00Z')).toBe(Darkness.DARK);
    expect(at('2026-11-21T12:00:00Z')).toBe(Darkness.LIGHT);
    expect(at('2026-11-21T06:30:00Z')).toBe(Darkness.DARK);
    expect(at('2026-11-21T07:30:00Z')).toBe(Darkness.LIGHT);
  });

  it('on a midsummer evening 21:45 BST is still light and 22:45 BST is dark (civil dusk about 22:05 BST)', () => {
    expect(at('2026-06-21T20:45:00Z')).toBe(Darkness.LIGHT);
    expect(at('2026-06-21T21:45:00Z')).toBe(Darkness.DARK);
  });

  it('either side of midnight is dark: the night runs from one date’s dusk to the next date’s dawn', () => {
    expect(at('2026-11-21T23:59:00Z')).toBe(Darkness.DARK);
    expect(at('2026-11-22T00:01:00Z')).toBe(Darkness.DARK);
  });

  it('flips exactly at suncalc’s civil dusk and dawn (dusk = `dusk`, dawn = `dawn`) on every day of a year', () => {
    for (let day = 0; day < 365; day++) {
      const noon = new Date(Date.UTC(2026, 0, 1, 12) + day * 24 * 60 * MINUTE);
      const { dawn, dusk } = SunCalc.getTimes(noon, SEG.lat, SEG.lon);
      const d = (ms: number) => darknessOf(new Date(ms), TimePrecision.EXACT, SEG.lon, SEG.lat);
      expect([d(dawn.getTime() - MINUTE), d(dawn.getTime() + MINUTE)], `dawn of ${dawn.toISOString()}`).toEqual([
        Darkness.DARK,
        Darkness.LIGHT,
      ]);
      expect([d(dusk.getTime() - MINUTE), d(dusk.getTime() + MINUTE)], `dusk of ${dusk.toISOString()}`).toEqual([
        Darkness.LIGHT,
        Darkness.DARK,
      ]);
    }
  });

  it('uses the place: at the same instant it is dark in London and still light 90° further west', () => {
    const instant = new Date('2026-11-21T18:00:00Z');
    expect(darknessOf(instant, TimePrecision.EXACT, SEG.lon, SEG.lat)).toBe(Darkness.DARK);
    expect(darknessOf(instant, TimePrecision.EXACT, -90, 51.5)).toBe(Darkness.LIGHT);
  });

  it('a month-precision record (police.uk) is unknown, whatever instant stands for it', () => {
    expect(darknessOf(new Date('2026-11-01T00:00:00Z'), TimePrecision.MONTH, SEG.lon, SEG.lat)).toBe(Darkness.UNKNOWN);
    expect(darknessOf(new Date('2026-11-01T12:00:00Z'), TimePrecision.MONTH, SEG.lon, SEG.lat)).toBe(Darkness.UNKNOWN);
  });

  it('on dates with no civil dusk or dawn it decides by the sun: light in the midnight sun, dark in polar night', () => {
    // Tromsø at midsummer midnight: the sun never sets, so suncalc has no dusk.
    expect(civilTwilight(new Date('2026-06-21T12:00:00Z'), 18.96, 69.65).dusk).toBeNull();
    expect(darknessOf(new Date('2026-06-21T23:00:00Z'), TimePrecision.EXACT, 18.96, 69.65)).toBe(Darkness.LIGHT);
    // Longyearbyen at midwinter noon: the sun stays more than 6° below the horizon all day.
    expect(civilTwilight(new Date('2026-12-21T12:00:00Z'), 15.63, 78.22).dawn).toBeNull();
    expect(darknessOf(new Date('2026-12-21T11:00:00Z'), TimePrecision.EXACT, 15.63, 78.22)).toBe(Darkness.DARK);
  });
});
