import { OperationsDocument, PatrolTraceDocument, PatrolUnitsDocument } from '@vigil/schema';
import { Operation, SiteKind, storePositions } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drive, makeSite, makeUnit, offset, SOUTH_END_GREEN, stay } from '../support/factories.js';
import { storedTimes } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let supt: string;
beforeAll(async () => {
  t = await startTestServer();
  supt = await t.tokenFor('SUPERINTENDENT');
});
afterAll(() => t?.close());

const rules = { radiusMetres: 50, gapSeconds: 120 };

describe('patrol units, traces and the visits derived from them', () => {
  it('a 12-minute stop, a drive-by and a split visit come out of the positions', async () => {
    const site = await makeSite(t.em(), { name: 'Synagogue (demo)' });
    const unit = await makeUnit(t.em(), { callSign: 'CN-R1' });
    const start = new Date('2026-11-20T09:00:00Z');
    // Drive in from 600 m east, stop 12 minutes 10 m from the site, drive off west.
    const approach = drive(SOUTH_END_GREEN, start, 600, 60);
    const stopStart = new Date(approach.at(-1)!.recordedAt.getTime() + 5000);
    const stop = stay(SOUTH_END_GREEN, stopStart, 12);
    const leave = drive(SOUTH_END_GREEN, new Date(stop.at(-1)!.recordedAt.getTime() + 5000), -60, -600);
    // Later: a drive-by at 30 km/h straight past the site.
    const driveBy = drive(SOUTH_END_GREEN, new Date('2026-11-20T13:00:00Z'), 400, -400, { kmh: 30 });
    // Later still: a stop with a 3-minute GPS gap in the middle (longer than g = 2 min).
    const before = stay(SOUTH_END_GREEN, new Date('2026-11-20T17:00:00Z'), 5);
    const after = stay(SOUTH_END_GREEN, new Date('2026-11-20T17:08:00Z'), 5);
    const stored = await storePositions(t.em(), unit.id, [...approach, ...stop, ...leave, ...driveBy, ...before, ...after], rules);
    expect(stored.duplicates).toBe(0);

    const trace = await t.gql(PatrolTraceDocument, { unitId: unit.id, from: '2026-11-20T00:00:00Z', to: '2026-11-21T00:00:00Z' }, supt);
    expect(trace.errors).toBeUndefined();
    const visits = trace.data!.patrolTrace.visits.filter((v) => v.site.id === site.id);
    expect(visits).toHaveLength(4);
    const [koper, passing, firstHalf, secondHalf] = visits;
    expect(koper!.dwellMinutes).toBeGreaterThanOrEqual(11.5);
    expect(koper!.dwellMinutes).toBeLessThanOrEqual(12.5);
    expect(koper!.koperCompliant).toBe(true);
    // 100 m inside the radius at 30 km/h is 12 s: a drive-by, not a Koper stop.
    expect(passing!.dwellMinutes).toBeLessThan(0.5);
    expect(passing!.koperCompliant).toBe(false);
    expect(firstHalf!.enteredAt).toBe('2026-11-20T17:00:00.000Z');
    expect(secondHalf!.enteredAt).toBe('2026-11-20T17:08:00.000Z');
    expect(trace.data!.patrolTrace.fixCount).toBe(stored.stored);
    expect(trace.data!.patrolTrace.line?.type).toBe('LineString');
    expect(trace.data!.patrolTrace.line?.coordinates).toHaveLength(stored.stored);
    expect(trace.data!.patrolTrace.points).toHaveLength(stored.stored);
    // The line joins every fix: 540 m in, 540 m out, a 1,000 m jump to the drive-by's start,
    // the 800 m drive-by, a 410 m jump back to the site: about 3,300 m.
    expect(trace.data!.patrolTrace.distanceMetres).toBeGreaterThan(3250);
    expect(trace.data!.patrolTrace.distanceMetres).toBeLessThan(3350);
  });

  it('sending the same fixes again stores nothing twice and leaves the visits as they were', async () => {
    const site = await makeSite(t.em(), { name: 'Mosque (demo)', kind: SiteKind.MOSQUE, at: offset(SOUTH_END_GREEN, 3000, 0) });
    const unit = await makeUnit(t.em());
    const fixes = stay(offset(SOUTH_END_GREEN, 3000, 0), new Date('2026-11-19T10:00:00Z'), 14);
    const first = await storePositions(t.em(), unit.id, fixes, rules);
    const again = await storePositions(t.em(), unit.id, fixes, rules);
    expect(first).toEqual({ stored: fixes.length, duplicates: 0 });
    expect(again).toEqual({ stored: 0, duplicates: fixes.length });
    const visits = await t.em().getConnection().execute(`select count(*) n from visits where site_id = ?`, [site.id]);
    expect(Number(visits[0]!.n)).toBe(1);
  });

  it('fixes arriving in two batches extend one visit rather than making two', async () => {
    const at = offset(SOUTH_END_GREEN, 0, 3000);
    const site = await makeSite(t.em(), { name: 'School (demo)', kind: SiteKind.SCHOOL, at });
    const unit = await makeUnit(t.em());
    const fixes = stay(at, new Date('2026-11-18T10:00:00Z'), 14);
    await storePositions(t.em(), unit.id, fixes.slice(0, 80), rules);
    await storePositions(t.em(), unit.id, fixes.slice(80), rules);
    const [visit] = await t.em().getConnection().execute(`select entered_at, exited_at from visits where site_id = ?`, [site.id]);
    expect(new Date(visit!.entered_at).toISOString()).toBe('2026-11-18T10:00:00.000Z');
    expect(new Date(visit!.exited_at).toISOString()).toBe('2026-11-18T10:14:00.000Z');
  });

  it('stores and recognises fixes at any time exactly, to the millisecond, however far from 1970', async () => {
    const unit = await makeUnit(t.em());
    // Times travel as epoch milliseconds in integers: as float8 seconds, most of the year 9999 is microseconds off.
    const times = ['0001-01-01T00:00:00.123Z', '1650-03-01T10:00:00.999Z', '2026-11-20T09:00:00.001Z', '9999-12-31T23:59:58.877Z'];
    const fixes = times.map((iso) => ({ recordedAt: new Date(iso), longitude: SOUTH_END_GREEN[0], latitude: SOUTH_END_GREEN[1] }));
    expect(await storePositions(t.em(), unit.id, fixes, rules)).toEqual({ stored: 4, duplicates: 0 });
    expect([...(await storedTimes(t.em(), unit.id))].sort((a, b) => a - b)).toEqual(times.map((iso) => Date.parse(iso)));
    expect(await storePositions(t.em(), unit.id, fixes, rules)).toEqual({ stored: 0, duplicates: 4 });
  });

  it('lists units with their last known position', async () => {
    const units = await t.gql(PatrolUnitsDocument, {}, supt);
    const cn = units.data?.patrolUnits.find((u) => u.callSign === 'CN-R1');
    expect(cn?.lastPosition?.recordedAt).toBe('2026-11-20T17:13:00.000Z');
    expect(cn?.lastPosition?.location.type).toBe('Point');
  });

  it('a trace window longer than 7 days or backwards is refused', async () => {
    const unit = (await t.gql(PatrolUnitsDocument, {}, supt)).data!.patrolUnits[0]!;
    const long = await t.gql(PatrolTraceDocument, { unitId: unit.id, from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }, supt);
    expect(long.errors?.[0]?.message).toBe('to: a trace spans at most 7 days');
    const backwards = await t.gql(PatrolTraceDocument, { unitId: unit.id, from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, supt);
    expect(backwards.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('lists operations, filtered to those running at a time', async () => {
    const em = t.em();
    em.create(Operation, {
      name: 'Reassurance (demo)',
      startsAt: new Date('2026-10-22T00:00:00Z'),
      priorityCommunities: ['Jewish', 'Muslim'],
      prioritySiteKinds: [SiteKind.SYNAGOGUE, SiteKind.MOSQUE],
    });
    em.create(Operation, {
      name: 'Dark nights (demo)',
      startsAt: new Date('2026-09-01T00:00:00Z'),
      endsAt: new Date('2026-10-01T00:00:00Z'),
    });
    await em.flush();
    const all = await t.gql(OperationsDocument, {}, supt);
    expect(all.data?.operations.map((o) => o.name)).toEqual(['Reassurance (demo)', 'Dark nights (demo)']);
    expect(all.data?.operations[0]).toMatchObject({
      priorityCommunities: ['Jewish', 'Muslim'],
      prioritySiteKinds: ['SYNAGOGUE', 'MOSQUE'],
    });
    const now = await t.gql(OperationsDocument, { activeAt: '2026-11-21T00:00:00Z' }, supt);
    expect(now.data?.operations.map((o) => o.name)).toEqual(['Reassurance (demo)']);
  });
});
