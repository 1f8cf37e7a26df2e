import { readFileSync } from 'node:fs';
import { civilTwilight, Darkness, darknessOf, reclassifyDarkness, TimePrecision } from '@vigil/server';
import { describe, expect, it } from 'vitest';
import { insertIncidents } from '../support/incidents.js';
import { startTestServer } from '../support/server.js';

/**
 * Reference civil dawns and dusks from the NOAA solar equations at London, Edinburgh and
 * Lerwick, 67 dates each including the clock changes of 2026 and 2027 (the table says how
 * it was made: reference/noaa-twilight.py).
 */
const reference = readFileSync(new URL('./reference/noaa-twilight.csv', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line && !line.startsWith('#') && !line.startsWith('place,'))
  .map((line) => {
    const [place, lat, lon, date, dawn, dusk, dawnLondon, duskLondon] = line.split(',');
    return { place, lat: Number(lat), lon: Number(lon), date, dawn: new Date(dawn!), dusk: new Date(dusk!), dawnLondon, duskLondon };
  });
const SECOND = 1000;

// South End Green, Hampstead Town ward: where the dark-nights thefts from vehicles happen.
const SEG = { lon: -0.1658, lat: 51.5563 };
const at = (iso: string) => darknessOf(new Date(iso), TimePrecision.EXACT, SEG.lon, SEG.lat);

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

  it('civil dawn and dusk are within 10 s of the NOAA solar equations at London, Edinburgh and Lerwick, clock changes included', () => {
    expect(new Set(reference.map((r) => r.place))).toEqual(new Set(['London', 'Edinburgh', 'Lerwick']));
    for (const place of ['London', 'Edinburgh', 'Lerwick'])
      expect(reference.filter((r) => r.place === place).length).toBeGreaterThanOrEqual(50);
    // The table holds both sides of each clock change (GMT +0000, BST +0100).
    expect(reference.some((r) => r.date === '2026-03-29' && r.dawnLondon!.endsWith('+0100'))).toBe(true);
    expect(reference.some((r) => r.date === '2026-03-28' && r.dawnLondon!.endsWith('+0000'))).toBe(true);
    let worst = 0;
    for (const r of reference) {
      const noon = new Date(`${r.date}T12:00:00Z`);
      const { dawn, dusk } = civilTwilight(noon, r.lon, r.lat);
      const where = `${r.place} ${r.date}`;
      expect(dawn, where).not.toBeNull();
      expect(dusk, where).not.toBeNull();
      const off = Math.max(Math.abs(dawn!.getTime() - r.dawn.getTime()), Math.abs(dusk!.getTime() - r.dusk.getTime()));
      worst = Math.max(worst, off);
      expect(
        off,
        `${where}: dawn ${dawn!.toISOString()} vs ${r.dawn.toISOString()}, dusk ${dusk!.toISOString()} vs ${r.dusk.toISOString()}`,
      ).toBeLessThanOrEqual(10 * SECOND);
    }
    expect(worst).toBeGreaterThan(0);
  });

  it('an incident 10 s either side of a reference dawn or dusk is classified by that side', () => {
    const d = (t: number, r: (typeof reference)[number]) => darknessOf(new Date(t), TimePrecision.EXACT, r.lon, r.lat);
    for (const r of reference) {
      const where = `${r.place} ${r.date}`;
      expect([d(r.dawn.getTime() - 10 * SECOND, r), d(r.dawn.getTime() + 10 * SECOND, r)], `dawn, ${where}`).toEqual([
        Darkness.DARK,
        Darkness.LIGHT,
      ]);
      expect([d(r.dusk.getTime() - 10 * SECOND, r), d(r.dusk.getTime() + 10 * SECOND, r)], `dusk, ${where}`).toEqual([
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
    // Tromsø at midsummer midnight: the sun never sets, so there is no civil dusk.
    expect(civilTwilight(new Date('2026-06-21T12:00:00Z'), 18.96, 69.65).dusk).toBeNull();
    expect(darknessOf(new Date('2026-06-21T23:00:00Z'), TimePrecision.EXACT, 18.96, 69.65)).toBe(Darkness.LIGHT);
    // Longyearbyen at midwinter noon: the sun stays more than 6° below the horizon all day.
    expect(civilTwilight(new Date('2026-12-21T12:00:00Z'), 15.63, 78.22).dawn).toBeNull();
    expect(darknessOf(new Date('2026-12-21T11:00:00Z'), TimePrecision.EXACT, 15.63, 78.22)).toBe(Darkness.DARK);
  });
});

describe('stored darkness after a change of twilight algorithm', () => {
  it('the recompute step (run by the migration) classifies every stored exact-time incident again', async () => {
    const t = await startTestServer();
    try {
      const em = t.em();
      // Incidents 30 s either side of the reference dusks at London, stored with the wrong
      // darkness on purpose (as suncalc 1.9, late by 1–3 minutes, stored many of them).
      const london = reference.filter((r) => r.place === 'London');
      const rows = london.flatMap((r) => [
        {
          category: 'vehicle-crime',
          occurredAt: new Date(r.dusk.getTime() - 30 * SECOND),
          lon: r.lon,
          lat: r.lat,
          darkness: 'DARK' as const,
        },
        {
          category: 'vehicle-crime',
          occurredAt: new Date(r.dusk.getTime() + 30 * SECOND),
          lon: r.lon,
          lat: r.lat,
          darkness: 'LIGHT' as const,
        },
      ]);
      await insertIncidents(em, rows);
      const changed = await reclassifyDarkness(em);
      expect(changed).toBe(rows.length);
      const stored = await em.execute<{ occurred_at: Date; darkness: string }[]>('select occurred_at, darkness from incidents');
      for (const s of stored) {
        const reference = rows.find((r) => r.occurredAt.getTime() === new Date(s.occurred_at).getTime())!;
        expect(s.darkness, new Date(s.occurred_at).toISOString()).toBe(reference.darkness === 'DARK' ? 'LIGHT' : 'DARK');
      }
      // Run again, nothing changes.
      expect(await reclassifyDarkness(em)).toBe(0);
    } finally {
      await t.close();
    }
  });
});
