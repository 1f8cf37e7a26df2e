import type { EntityManager } from '@mikro-orm/postgresql';
import { PatrolPlanDocument, SavePatrolPlanDocument, UnitPlanDocument } from '@vigil/schema';
import { seedDemo, storePositions } from '@vigil/server';
import * as SunCalc from 'suncalc';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { expectPlanKeepsTheRules, londonTime, type Plan, stopsOf } from './support.js';

// The demo data (deterministic seed) with a month of incidents for the hot spots and one
// day of traces: the two reassurance cars, CN-R1 (every Camden ward) and IS-R1 (Islington).
let t: TestServer;
let planner: string;
let units: Record<string, string>;
const rules = { radiusMetres: 50, gapSeconds: 120 };
let from: string;
let to: string;

beforeAll(async () => {
  t = await startTestServer();
  await seedDemo(t.em() as EntityManager, { days: 40, eventDaysAgo: 30, patrolDays: 1, scale: 0.35, rules });
  planner = await t.tokenFor('PLANNER');
  const rows = await t.em().execute<{ id: string; call_sign: string }[]>('select id, call_sign from patrol_units');
  units = Object.fromEntries(rows.map((r) => [r.call_sign, r.id]));
  // Tomorrow's day shift, 07:00–23:00 London time.
  const tomorrow = new Date(Date.now() + 86_400_000);
  from = londonTime(tomorrow, 7);
  to = londonTime(tomorrow, 23);
}, 600_000);
afterAll(() => t?.close());

const plan = async (input: Record<string, unknown>, token = planner) => {
  const result = await t.gql(
    PatrolPlanDocument,
    { input: { from, to, unitIds: [units['CN-R1'], units['IS-R1']], ...input } as never },
    token,
  );
  expect(result.errors).toBeUndefined();
  return result.data!.patrolPlan as Plan;
};

/** Sites on the list in the units' zones, by SQL of the test's own, with the units holding each. */
async function sitesInZones(unitIds: string[]) {
  return t.em().execute<{ id: string; risk: string; required: number; unit_ids: string[] }[]>(
    `select s.id, s.risk_level::text as risk, s.required_visits_per_day as required,
            array_agg(distinct zu.patrol_unit_id::text) as unit_ids
     from sites s join patrol_zones z on ST_Intersects(z.boundary, s.location)
     join patrol_zone_units zu on zu.patrol_zone_id = z.id
     where zu.patrol_unit_id = any(?::uuid[]) and s.archived_at is null and s.active_from < ?
     group by s.id`,
    [`{${unitIds.join(',')}}`, to],
  );
}

describe('a day’s plan for the Camden and the Islington reassurance cars', () => {
  let day: Plan;
  beforeAll(async () => {
    day = await plan({});
  });

  it('covers every required visit of every high-risk site in their zones, each site by a unit whose zones hold it', async () => {
    const sites = await sitesInZones([units['CN-R1']!, units['IS-R1']!]);
    const high = sites.filter((s) => s.risk === 'HIGH' || s.risk === 'CRITICAL');
    expect(high.length).toBeGreaterThan(15);
    for (const site of high) {
      const stops = stopsOf(day, site.id);
      expect(stops.length, `${site.id} (${site.risk})`).toBe(site.required);
      for (const stop of stops) expect(site.unit_ids).toContain(stop.unit.id);
      // One unit makes all of a site's visits.
      expect(new Set(stops.map((s) => s.unit.id)).size).toBe(1);
    }
    expect(day.unplanned.filter((u) => u.site && ['HIGH', 'CRITICAL'].includes(u.site.riskLevel))).toEqual([]);
    expect(day.requiredVisits).toBe(sites.reduce((n, s) => n + s.required, 0));
    expect(day.plannedVisits + day.unplanned.length).toBe(day.requiredVisits);
    // Every stop is a reassurance visit at a site of one of the two units.
    for (const stop of day.stops) {
      expect(stop.activity).toBe('REASSURANCE_VISIT');
      expect(sites.some((s) => s.id === stop.site?.id)).toBe(true);
    }
  });

  it('keeps the Koper stop length, the shift, each visit’s window, and leg times that follow from distance and speed', () => {
    expectPlanKeepsTheRules(day);
    for (const stop of day.stops) expect(stop.dwellMinutes).toBe(12);
    expect(day.method.kind).toBe('STRAIGHT_LINE');
    expect(day.method.circuityFactor).toBe(1.3);
    expect(day.method.description).toMatch(/no street network is imported/);
    expect(day.method.speeds).toEqual([{ kind: 'CAR', kmh: 20 }]);
  });

  it('spreads a site’s visits over the day: at least 12 h ÷ visits a day apart, the k-th in the k-th part of the shift', () => {
    const shift = new Date(to).getTime() - new Date(from).getTime();
    const bySite = new Map<string, Plan['stops']>();
    for (const s of day.stops) if (s.site) bySite.set(s.site.id, [...(bySite.get(s.site.id) ?? []), s]);
    let spaced = 0;
    for (const stops of bySite.values()) {
      const n = stops[0]!.site!.requiredVisitsPerDay;
      const ordered = stops.sort((a, b) => a.arriveAt.localeCompare(b.arriveAt));
      ordered.forEach((s, k) => {
        const offset = new Date(s.arriveAt).getTime() - new Date(from).getTime();
        expect(offset).toBeGreaterThanOrEqual((k * shift) / n - 1000);
        expect(offset).toBeLessThanOrEqual(((k + 1) * shift) / n + 1000);
        if (k > 0) {
          expect(new Date(s.arriveAt).getTime() - new Date(ordered[k - 1]!.arriveAt).getTime()).toBeGreaterThanOrEqual((12 * 3600_000) / n);
          spaced++;
        }
      });
    }
    expect(spaced).toBeGreaterThan(15);
  });

  it('measures each leg as the straight line × 1.3 between the stops, as PostGIS measures it in British National Grid', async () => {
    for (const unit of day.units) {
      const points = [unit.start.coordinates, ...unit.stops.map((s) => [s.longitude, s.latitude])];
      const [row] = await t.em().execute<{ d: number[] }[]>(
        `select array_agg(ST_Distance(ST_Transform(ST_SetSRID(ST_MakePoint(a.lon, a.lat), 4326), 27700),
                                      ST_Transform(ST_SetSRID(ST_MakePoint(b.lon, b.lat), 4326), 27700)) order by a.n) as d
         from jsonb_to_recordset(?::jsonb) a(n int, lon float8, lat float8)
         join jsonb_to_recordset(?::jsonb) b(n int, lon float8, lat float8) on b.n = a.n + 1`,
        [
          JSON.stringify(points.map(([lon, lat], n) => ({ n, lon, lat }))),
          JSON.stringify(points.map(([lon, lat], n) => ({ n, lon, lat }))),
        ],
      );
      for (const [i, stop] of unit.stops.entries()) expect(Math.abs(stop.travelMetres - row!.d[i]! * 1.3)).toBeLessThan(0.2);
    }
  });

  it('is the same plan for the same input, and saving stores exactly what the preview showed', async () => {
    const again = await plan({});
    expect(again).toEqual(day);
    const saved = await t.gql(SavePatrolPlanDocument, { input: { from, to, unitIds: [units['CN-R1']!, units['IS-R1']!] } }, planner);
    expect(saved.errors).toBeUndefined();
    const stored = saved.data!.savePatrolPlan as Plan;
    expect(stored.id).toBeTruthy();
    const strip = (p: Plan) => p.units.map((u) => u.stops);
    expect(strip(stored)).toEqual(strip(day));
    expect(stored.travelMetres).toBeCloseTo(day.travelMetres, 1);
    const current = await t.gql(UnitPlanDocument, { unitId: units['CN-R1']!, at: from }, planner);
    expect(current.data!.unitPlan!.planId).toBe(stored.id);
    expect(current.data!.unitPlan!.stops).toEqual(day.units[0]!.stops);
  });

  it('beats the nearest-neighbour round and stays above its lower bound', () => {
    expect(day.solver.nearestNeighbourVisits).toBeGreaterThan(0);
    expect(day.travelMetres).toBeLessThanOrEqual(day.solver.nearestNeighbourMetres);
    expect(day.solver.lowerBoundMetres).toBeGreaterThan(0.3 * day.travelMetres);
    expect(day.solver.lowerBoundMetres).toBeLessThanOrEqual(day.travelMetres);
  });
});

describe('a site in the zones of both units', () => {
  it('is planned once, by one unit, when a zone of the other unit also holds it', async () => {
    const before = await plan({});
    const shared = before.stops.find((s) => s.unit.id === units['CN-R1'] && s.site?.requiredVisitsPerDay === 2)!.site!;
    // A small zone round the site, given to the Islington car as well.
    const [zone] = await t.em().execute<{ id: string }[]>(
      `insert into patrol_zones (id, name, boundary)
       select gen_random_uuid(), 'Overlap test', ST_Multi(ST_Buffer(s.location::geography, 300)::geometry) from sites s where s.id = ? returning id`,
      [shared.id],
    );
    await t.em().execute('insert into patrol_zone_units (patrol_zone_id, patrol_unit_id) values (?, ?)', [zone!.id, units['IS-R1']]);
    try {
      const after = await plan({});
      const stops = stopsOf(after, shared.id);
      expect(stops).toHaveLength(2);
      expect(new Set(stops.map((s) => s.unit.id)).size).toBe(1);
      expect(after.requiredVisits).toBe(before.requiredVisits);
      expectPlanKeepsTheRules(after);
    } finally {
      await t.em().execute('delete from patrol_zones where id = ?', [zone!.id]);
    }
  });
});

describe('hot-spot dosage', () => {
  it('plans stops at the top vehicle-crime-after-dark Gi* cells, between civil dusk and dawn, back within 2 hours', async () => {
    const dosed = await plan({
      dosage: { filter: { categories: ['vehicle-crime'], darkness: 'DARK' }, cells: 2, minutes: 12, activity: 'LETTER_DROP' },
      unitIds: [units['CN-R1']!],
    });
    expectPlanKeepsTheRules(dosed);
    const cells = dosed.stops.filter((s) => s.cellId);
    expect(cells.length).toBeGreaterThan(2);
    expect(dosed.dosageStops).toBe(cells.length);
    expect(new Set(cells.map((s) => s.cellId)).size).toBe(2);
    for (const stop of cells) {
      expect(stop.activity).toBe('LETTER_DROP');
      expect(stop.site).toBeNull();
      // Civil dusk of that evening at the cell, by suncalc directly.
      const at = new Date(stop.arriveAt);
      const { dusk } = SunCalc.getTimes(at, stop.latitude, stop.longitude);
      expect(at.getTime()).toBeGreaterThanOrEqual(dusk!.getTime() - 1000);
    }
    for (const id of new Set(cells.map((s) => s.cellId))) {
      const times = cells.filter((s) => s.cellId === id).map((s) => new Date(s.arriveAt).getTime());
      for (let k = 1; k < times.length; k++) expect(times[k]! - times[k - 1]!).toBeLessThanOrEqual(2 * 3600_000);
    }
    // The high-risk sites still get all their visits: dosage weighs less than they do.
    expect(dosed.unplanned.filter((u) => u.site && ['HIGH', 'CRITICAL'].includes(u.site.riskLevel))).toEqual([]);
  });
});

describe('re-planning from now', () => {
  it('starts from the unit’s live position and counts the visits it has made against the plan', async () => {
    const unitId = units['IS-R1']!;
    const first = (await plan({ unitIds: [unitId] })).units[0]!;
    // The unit makes its first two stops as planned: 12 minutes 10 m from each site.
    for (const stop of first.stops.slice(0, 2)) {
      const start = new Date(stop.arriveAt).getTime();
      const fixes = Array.from({ length: 145 }, (_, k) => ({
        recordedAt: new Date(start + k * 5000),
        longitude: stop.longitude + 0.0001,
        latitude: stop.latitude,
      }));
      await storePositions(t.em() as EntityManager, unitId, fixes, rules);
    }
    const replanAt = new Date(new Date(first.stops[1]!.departAt).getTime() + 5 * 60_000).toISOString();
    const again = await plan({ unitIds: [unitId], replanAt });
    const unit = again.units[0]!;
    expect(unit.startSource).toBe('LAST_FIX');
    expect(unit.start.coordinates[0]).toBeCloseTo(first.stops[1]!.longitude + 0.0001, 6);
    expect(unit.startsAt).toBe(replanAt);
    for (const stop of unit.stops) expect(new Date(stop.arriveAt).getTime()).toBeGreaterThanOrEqual(new Date(replanAt).getTime());
    const visited = first.stops.slice(0, 2).map((s) => s.site!);
    for (const site of visited) {
      const left = stopsOf(again, site.id);
      expect(left).toHaveLength(site.requiredVisitsPerDay - 1);
      // The next visit keeps its spacing after the one just made.
      const made = first.stops.find((s) => s.site?.id === site.id)!;
      for (const s of left)
        expect(new Date(s.arriveAt).getTime() - new Date(made.arriveAt).getTime()).toBeGreaterThanOrEqual(
          (12 * 3600_000) / site.requiredVisitsPerDay - 60_000,
        );
    }
    expect(again.requiredVisits).toBe((await plan({ unitIds: [unitId] })).requiredVisits - 2);
    expect(again.notes.some((n) => /2 visits detected/.test(n))).toBe(true);
    expectPlanKeepsTheRules(again);
  });
});
