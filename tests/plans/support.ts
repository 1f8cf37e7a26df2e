import type { PatrolPlanFieldsFragment } from '@vigil/schema';
import { expect } from 'vitest';

export type Plan = PatrolPlanFieldsFragment;
export type Stop = Plan['units'][number]['stops'][number];

export const KMH = { CAR: 20, FOOT: 4.5, CYCLE: 12 } as const;
const ms = (iso: string) => new Date(iso).getTime();

/** London midnight + hours, as an ISO string: the demo's clock (Europe/London). */
export function londonTime(day: Date, hours: number): string {
  const ymd = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/London' }).format(day);
  // The offset of London from UTC at that date (0 or 1 h).
  const noonUtc = new Date(`${ymd}T12:00:00Z`);
  const londonNoon = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', hour12: false }).format(noonUtc);
  const offset = Number(londonNoon) - 12;
  return new Date(new Date(`${ymd}T00:00:00Z`).getTime() + (hours - offset) * 3600_000).toISOString();
}

/**
 * The rules every plan keeps, checked from its output alone: each stop 10–16 minutes and
 * inside the shift and its window, legs in order with time = distance ÷ speed (rounded up to
 * the second), no stop before the previous one ends.
 */
export function expectPlanKeepsTheRules(plan: Plan): void {
  for (const unit of plan.units) {
    const speed = (KMH[unit.unit.kind as keyof typeof KMH] * 1000) / 3600;
    let previousDepart = ms(unit.startsAt);
    unit.stops.forEach((stop, i) => {
      expect(stop.sequence).toBe(i + 1);
      expect(stop.unit.id).toBe(unit.unit.id);
      const minutes = (ms(stop.departAt) - ms(stop.arriveAt)) / 60_000;
      expect(minutes, `stop ${stop.sequence} of ${unit.unit.callSign}`).toBe(stop.dwellMinutes);
      expect(stop.dwellMinutes).toBeGreaterThanOrEqual(10);
      expect(stop.dwellMinutes).toBeLessThanOrEqual(16);
      expect(ms(stop.arriveAt)).toBeGreaterThanOrEqual(ms(stop.windowFrom));
      expect(ms(stop.arriveAt)).toBeLessThanOrEqual(ms(stop.windowTo));
      expect(ms(stop.departAt)).toBeLessThanOrEqual(ms(plan.to));
      // The leg: its seconds follow from its metres at the unit's speed, and fit in the gap.
      expect(stop.travelSeconds).toBeGreaterThanOrEqual(stop.travelMetres / speed - 0.1);
      expect(stop.travelSeconds).toBeLessThanOrEqual(stop.travelMetres / speed + 1.1);
      const gap = (ms(stop.arriveAt) - previousDepart) / 1000;
      expect(gap).toBeGreaterThanOrEqual(stop.travelSeconds - 0.5);
      expect(Math.abs(gap - stop.travelSeconds - stop.waitMinutes * 60)).toBeLessThan(4);
      expect(stop.route.type).toBe('LineString');
      const first = stop.route.coordinates[0];
      const last = stop.route.coordinates.at(-1);
      expect(last[0]).toBeCloseTo(stop.longitude, 6);
      expect(last[1]).toBeCloseTo(stop.latitude, 6);
      if (i > 0) {
        expect(first[0]).toBeCloseTo(unit.stops[i - 1]!.longitude, 6);
        expect(first[1]).toBeCloseTo(unit.stops[i - 1]!.latitude, 6);
      }
      previousDepart = ms(stop.departAt);
    });
    const legs = unit.stops.reduce((sum, s) => sum + s.travelMetres, 0);
    expect(Math.abs(legs - unit.travelMetres)).toBeLessThan(0.1 * unit.stops.length + 0.2);
  }
  expect(plan.stops.length).toBe(plan.units.reduce((n, u) => n + u.stops.length, 0));
  expect(plan.solver.lowerBoundMetres).toBeLessThanOrEqual(plan.travelMetres + 1);
}

/** Stops of one site, in time order. */
export function stopsOf(plan: Plan, siteId: string): Stop[] {
  return plan.stops.filter((s) => s.site?.id === siteId).sort((a, b) => ms(a.arriveAt) - ms(b.arriveAt));
}
