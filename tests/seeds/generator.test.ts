import { generateDemo, WardMap } from '@vigil/seeds';
import { describe, expect, it } from 'vitest';

const now = new Date('2026-11-21T18:30:00Z');
const wards = new WardMap();

describe('the demo generator (plain data, no database)', () => {
  it('gives the same data for the same seed and "now", and different data for another seed', () => {
    const options = { now, days: 7, eventDaysAgo: 3, patrolDays: 1, scale: 0.05 };
    const a = generateDemo({ ...options, seed: 1 });
    const b = generateDemo({ ...options, seed: 1 });
    const c = generateDemo({ ...options, seed: 2 });
    const plain = (d: ReturnType<typeof generateDemo>) =>
      JSON.stringify({ ...d, traces: d.units.map((u) => d.patrolDays.map((day) => d.patrolDay(u, day))) });
    expect(plain(b)).toBe(plain(a));
    expect(plain(c)).not.toBe(plain(a));
    expect(a.incidents.length).toBeGreaterThan(0);
  });

  it('places every site inside its own ward (point in polygon on the real boundary), apart from the others, named as demo', () => {
    const { sites } = generateDemo({ now, days: 1, patrolDays: 0 });
    expect(sites.length).toBeGreaterThanOrEqual(40);
    for (const site of sites) {
      expect(wards.contains(site.ward, site.location), site.name).toBe(true);
      expect(site.name).toMatch(/\(demo\)$/);
    }
    const belsizeShops = sites.filter((s) => s.kind === 'BUSINESS' && s.community === 'Israeli' && s.borough === 'Camden');
    expect(belsizeShops.map((s) => s.ward).every((w) => w === 'Belsize' || w === 'Haverstock')).toBe(true);
    expect(sites.filter((s) => s.riskLevel === 'HIGH').every((s) => s.requiredVisitsPerDay === 2)).toBe(true);
  });

  it('generates history relative to "now": incidents up to now, none after, the event and patrols in place', () => {
    const demo = generateDemo({ now, days: 30, eventDaysAgo: 10, patrolDays: 2, scale: 0.1 });
    const times = demo.incidents.map((i) => i.occurredAt.getTime());
    expect(Math.max(...times)).toBeLessThanOrEqual(now.getTime());
    expect(Math.min(...times)).toBeLessThan(now.getTime() - 28 * 86_400_000);
    expect(Math.floor((now.getTime() - demo.eventDay.getTime()) / 86_400_000)).toBe(10);
    const car = demo.units.find((u) => u.callSign === 'CN-R1')!;
    const fixes = demo.patrolDays.flatMap((day) => demo.patrolDay(car, day).fixes);
    expect(fixes.length).toBeGreaterThan(1000);
    expect(fixes.every((f) => f.recordedAt <= now)).toBe(true);
    // Every few seconds, in order.
    const gaps = fixes.slice(1).map((f, i) => f.recordedAt.getTime() - fixes[i]!.recordedAt.getTime());
    expect(gaps.filter((g) => g === 5000).length / gaps.length).toBeGreaterThan(0.95);
  });
});
