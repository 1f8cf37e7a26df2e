import type { EntityManager } from '@mikro-orm/postgresql';
import { IssueDeviceTokenDocument, MyPlanDocument, PatrolPlanDocument, SavePatrolPlanDocument, UnitPlanDocument } from '@vigil/schema';
import { storePositions, UnitKind } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSite, makeUnit, offset } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { expectPlanKeepsTheRules, type Plan } from './support.js';

// A small world built by factories: one zone, a car and a foot unit assigned to it, sites in it.
let t: TestServer;
let planner: string;
let car: string;
let foot: string;
const HOME: [number, number] = [-0.14, 51.545];
const rules = { radiusMetres: 50, gapSeconds: 120 };
const from = '2026-06-10T06:00:00.000Z';
const to = '2026-06-10T22:00:00.000Z';

async function zoneFor(unitIds: string[], halfSideMetres = 9000): Promise<void> {
  const [w, s] = offset(HOME, -halfSideMetres, -halfSideMetres);
  const [e, n] = offset(HOME, halfSideMetres, halfSideMetres);
  const [zone] = await t
    .em()
    .execute<{ id: string }[]>(
      `insert into patrol_zones (id, name, boundary) values (gen_random_uuid(), 'Test zone', ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, 4326))) returning id`,
      [w, s, e, n],
    );
  for (const u of unitIds) await t.em().execute('insert into patrol_zone_units values (?, ?)', [zone!.id, u]);
}

const count = async (table: string) => Number((await t.em().execute<{ n: number }[]>(`select count(*)::int as n from ${table}`))[0]!.n);

beforeAll(async () => {
  t = await startTestServer();
  planner = await t.tokenFor('PLANNER');
  const em = t.em() as EntityManager;
  car = (await makeUnit(em, { callSign: 'TC-1', kind: UnitKind.CAR })).id;
  foot = (await makeUnit(em, { callSign: 'TF-1', kind: UnitKind.FOOT })).id;
  await zoneFor([car, foot]);
  // 30 high-risk sites in a ring 1–6 km from home, twice a day each.
  for (let k = 0; k < 30; k++) {
    const angle = (k / 30) * 2 * Math.PI;
    const r = 1000 + (k % 6) * 1000;
    await makeSite(em, { name: `Ring site ${k + 1}`, at: offset(HOME, r * Math.cos(angle), r * Math.sin(angle)), requiredVisitsPerDay: 2 });
  }
  // Both units start at home.
  for (const u of [car, foot])
    await storePositions(em, u, [{ recordedAt: new Date('2026-06-10T05:00:00Z'), longitude: HOME[0], latitude: HOME[1] }], rules);
});
afterAll(() => t?.close());

const preview = (input: Record<string, unknown>) =>
  t.gql(PatrolPlanDocument, { input: { from, to, unitIds: [car], ...input } as never }, planner);

describe('bad input is BAD_USER_INPUT with the field, and nothing is stored', () => {
  const cases: [string, Record<string, unknown>, string, RegExp][] = [
    ['end before start', { from: to, to: from }, 'input.from', /must be before input.to/],
    ['a shift longer than a day', { to: '2026-06-11T07:00:00Z' }, 'input.to', /at most 24 hours/],
    ['an unknown unit', { unitIds: ['00000000-0000-4000-8000-000000000000'] }, 'input.unitIds[0]', /no patrol unit/],
    ['a malformed unit id', { unitIds: ['CN-R1'] }, 'input.unitIds[0]', /not a valid id/],
    ['a unit twice', { unitIds: ['__car', '__car'] }, 'input.unitIds[1]', /listed twice/],
    ['no units', { unitIds: [] }, 'input.unitIds', /at least 1/],
    ['a 9-minute stop', { dwellMinutes: 9 }, 'input.dwellMinutes', /not be less than 10/],
    ['a 17-minute stop', { dwellMinutes: 17 }, 'input.dwellMinutes', /not be greater than 16/],
    ['re-planning outside the shift', { replanAt: '2026-06-11T01:00:00Z' }, 'input.replanAt', /within the shift/],
    [
      'a start that is not a point',
      {
        startAt: {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [1, 1],
          ],
        },
      },
      'input.startAt',
      /GeoJSON Point/,
    ],
    ['an unknown operation', { operationId: '00000000-0000-4000-8000-000000000001' }, 'input.operationId', /no operation/],
    [
      'a dosage filter that matches nothing',
      { dosage: { filter: { categories: ['vehicle-crime'], darkness: 'DARK' } } },
      'input.dosage.filter',
      /matches no incidents/,
    ],
    [
      'an unknown crime category',
      { dosage: { filter: { categories: ['car-crime'] } } },
      'input.dosage.filter.categories',
      /unknown category/,
    ],
    ['too many dosage cells', { dosage: { filter: {}, cells: 11 } }, 'input.dosage.cells', /not be greater than 10/],
    ['a reversed dosage period', { dosage: { filter: { from: to, to: from } } }, 'input.dosage.filter.from', /must be before/],
    [
      'a window for a site not in the zones',
      { visitWindows: [{ siteId: '00000000-0000-4000-8000-000000000002', from, to }] },
      'input.visitWindows[0].siteId',
      /not on the list/,
    ],
    [
      'a reversed stated window',
      { visitWindows: [{ siteId: '00000000-0000-4000-8000-000000000002', from: to, to: from }] },
      'input.visitWindows[0].from',
      /must be before/,
    ],
    ['streets asked for with none imported', { travelMethod: 'STREET_NETWORK' }, 'input.travelMethod', /no street network is imported/],
  ];
  it.each(cases)('%s', async (_name, input, field, message) => {
    const resolved = JSON.parse(JSON.stringify(input).replaceAll('__car', car));
    const before = await count('patrol_plans');
    const variables = { input: { from, to, unitIds: [car], ...resolved } as never };
    for (const result of [await t.gql(PatrolPlanDocument, variables, planner), await t.gql(SavePatrolPlanDocument, variables, planner)]) {
      expect(result.data ?? null).toBeNull();
      const error = result.errors?.[0];
      expect(error?.extensions?.code, JSON.stringify(result.errors)).toBe('BAD_USER_INPUT');
      expect(error?.extensions?.field ?? error?.message.split(':')[0]).toBe(field);
      expect(error?.message).toMatch(message);
    }
    expect(await count('patrol_plans')).toBe(before);
    expect(await count('patrol_plan_stops')).toBe(0);
  });
});

describe('what cannot fit is said, not dropped', () => {
  it('a two-hour shift holds what it can, and lists every other visit with its reason', async () => {
    const short = (await preview({ to: '2026-06-10T08:00:00Z' })).data!.patrolPlan as Plan;
    expectPlanKeepsTheRules(short);
    expect(short.requiredVisits).toBe(60);
    expect(short.plannedVisits).toBeGreaterThan(3);
    expect(short.plannedVisits + short.unplanned.length).toBe(60);
    // Every site weighs the same here: the plan holds at least as many visits as a nearest-neighbour round.
    expect(short.plannedVisits).toBeGreaterThanOrEqual(short.solver.nearestNeighbourVisits);
    const reasons = new Set(short.unplanned.map((u) => u.reason));
    // The second visits cannot be 6 h after the first within 2 h: WINDOW; the first visits that did not fit: TIME.
    expect(reasons).toEqual(new Set(['TIME', 'WINDOW']));
    for (const u of short.unplanned) {
      expect(u.message.length).toBeGreaterThan(20);
      if (u.reason === 'WINDOW') expect(u.visitNumber).toBe(2);
    }
    // Each site planned is planned once (its second visit is the one that cannot be spaced).
    const planned = short.stops.map((s) => s.site!.id);
    expect(new Set(planned).size).toBe(planned.length);
  });

  it('a foot patrol cannot reach far sites in a short shift: DISTANCE, with nearer ones planned', async () => {
    const walk = (await preview({ unitIds: [foot], to: '2026-06-10T07:00:00Z' })).data!.patrolPlan as Plan;
    expectPlanKeepsTheRules(walk);
    expect(walk.unplanned.some((u) => u.reason === 'DISTANCE')).toBe(true);
    for (const u of walk.unplanned.filter((x) => x.reason === 'DISTANCE')) expect(u.message).toMatch(/reach/);
    expect(walk.method.speeds).toEqual([{ kind: 'FOOT', kmh: 4.5 }]);
  });

  it('when not everything fits, the higher-risk and operation-priority sites go in first', async () => {
    const em = t.em() as EntityManager;
    const critical = await makeSite(em, {
      name: 'Critical one',
      at: offset(HOME, 5500, 0),
      riskLevel: 'CRITICAL' as never,
      requiredVisitsPerDay: 1,
    });
    try {
      const short = (await preview({ to: '2026-06-10T07:30:00Z' })).data!.patrolPlan as Plan;
      expect(short.stops.some((s) => s.site?.id === critical.id)).toBe(true);
      expect(short.unplanned.length).toBeGreaterThan(0);
    } finally {
      await t.em().execute('delete from sites where id = ?', [critical.id]);
    }
  });

  it('stated windows give a site one visit in each', async () => {
    const site = (await t.em().execute<{ id: string }[]>(`select id from sites where name = 'Ring site 1'`))[0]!.id;
    const windows = [
      { siteId: site, from: '2026-06-10T07:30:00Z', to: '2026-06-10T08:15:00Z' },
      { siteId: site, from: '2026-06-10T14:45:00Z', to: '2026-06-10T15:30:00Z' },
      { siteId: site, from: '2026-06-10T20:00:00Z', to: '2026-06-10T20:30:00Z' },
    ];
    const planned = (await preview({ visitWindows: windows })).data!.patrolPlan as Plan;
    const stops = planned.stops.filter((s) => s.site?.id === site).sort((a, b) => a.arriveAt.localeCompare(b.arriveAt));
    expect(stops).toHaveLength(3);
    stops.forEach((s, k) => {
      expect(s.arriveAt >= new Date(windows[k]!.from).toISOString()).toBe(true);
      expect(s.arriveAt <= new Date(windows[k]!.to).toISOString()).toBe(true);
    });
  });
});

describe('who reads a plan', () => {
  it('a device reads its own unit’s current plan, and only its own', async () => {
    const saved = await t.gql(SavePatrolPlanDocument, { input: { from, to, unitIds: [car, foot] } }, planner);
    expect(saved.errors).toBeUndefined();
    const issued = await t.gql(IssueDeviceTokenDocument, { unitId: foot }, planner);
    const device = issued.data!.issueDeviceToken.token;
    const mine = await t.gql(MyPlanDocument, { at: '2026-06-10T12:00:00Z' }, device);
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.myPlan!.unit.id).toBe(foot);
    expect(mine.data!.myPlan!.planId).toBe(saved.data!.savePatrolPlan.id);
    const other = await t.gql(UnitPlanDocument, { unitId: car, at: '2026-06-10T12:00:00Z' }, device);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Outside the shift there is no current plan.
    expect((await t.gql(MyPlanDocument, { at: '2026-06-11T12:00:00Z' }, device)).data!.myPlan).toBeNull();
    // Saving is audited, with the plan's id.
    const [audit] = await t
      .em()
      .execute<{ target_ids: string[] }[]>(
        `select target_ids from audit_events where operation = 'savePatrolPlan' and outcome = 'SUCCESS' order by id desc limit 1`,
      );
    expect(audit!.target_ids).toContain(saved.data!.savePatrolPlan.id);
  });

  it('progress: a stop made by a detected visit is DONE, one past its time is LATE, and the shift is scored', async () => {
    const current = (await t.gql(UnitPlanDocument, { unitId: car, at: '2026-06-10T12:00:00Z' }, planner)).data!.unitPlan!;
    const [first, second] = current.stops;
    // The car makes its first stop as planned: 12 minutes, 10 m from the site.
    const start = new Date(first!.arriveAt).getTime();
    const fixes = Array.from({ length: 145 }, (_, k) => ({
      recordedAt: new Date(start + k * 5000),
      longitude: first!.longitude + 0.0001,
      latitude: first!.latitude,
    }));
    await storePositions(t.em() as EntityManager, car, fixes, rules);
    const at = new Date(new Date(second!.departAt).getTime() + 20 * 60_000).toISOString();
    const progress = (await t.gql(UnitPlanDocument, { unitId: car, at }, planner)).data!.unitPlan!.progress;
    expect(progress.stops[0]!.state).toBe('DONE');
    expect(progress.stops[0]!.visit?.koperCompliant).toBe(true);
    expect(Math.abs(progress.stops[0]!.minutesLate!)).toBeLessThan(1);
    expect(progress.stops[1]!.state).toBe('LATE');
    expect(progress.nextSequence).toBe(2);
    expect(progress.stops[1]!.next).toBe(true);
    expect(progress.done).toBe(1);
    expect(progress.score.visitsMade).toBe(1);
    expect(progress.score.koperCompliantVisits).toBe(1);
    expect(progress.score.plannedVisits).toBe(current.stops.length);
    // At the end of the shift what was not made is MISSED, and the score is final.
    const end = (await t.gql(UnitPlanDocument, { unitId: car, at: '2026-06-10T21:59:59Z' }, planner)).data!.unitPlan!.progress;
    const final = (await t.gql(UnitPlanDocument, { unitId: car, at: to }, planner)).data!.unitPlan;
    expect(final).toBeNull();
    expect(end.stops.filter((s) => s.state === 'LATE' || s.state === 'DONE').length).toBe(
      end.stops.length - end.stops.filter((s) => s.state === 'PLANNED').length,
    );
  });
});
