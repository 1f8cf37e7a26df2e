import { DashboardZoneCoverageDocument } from '@vigil/schema';
import { PatrolZone, purgePositions, storePositions } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drive, type FixSpec, makeUnit, offset, SOUTH_END_GREEN, squareAround } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { statementsDuring } from '../support/statements.js';

/**
 * Zone coverage over several days keeps each unit's reach per settled day (patrol_reach;
 * reach-hours.test.ts for the hours):
 * the kept reach must give what buffering afresh gives, be reused, and go stale when late
 * fixes arrive for its day.
 */
let t: TestServer;
let supt: string;
let unitId: string;
let zoneId: string;
const rules = { radiusMetres: 50, gapSeconds: 120 };
const DAY = 86_400_000;
// Three days ago, midnight UTC: a settled day.
const day = new Date(Math.floor(Date.now() / DAY) * DAY - 3 * DAY);
const centre = offset(SOUTH_END_GREEN, -3000, 2000);
const window = { from: new Date(day.getTime() - DAY).toISOString(), to: new Date().toISOString() };

/** A drive north through `centre` from 400 m south to 400 m north at 20 km/h, a fix every 5 s. */
function northward(start: Date): FixSpec[] {
  const speed = 20_000 / 3600;
  return Array.from({ length: Math.floor(800 / speed / 5) + 1 }, (_, k) => {
    const [longitude, latitude] = offset(centre, 0, -400 + speed * 5 * k);
    return { recordedAt: new Date(start.getTime() + k * 5000), longitude, latitude };
  });
}

const share = async () => {
  const result = await t.gql(DashboardZoneCoverageDocument, { input: { ...window, zoneId } }, supt);
  expect(result.errors).toBeUndefined();
  return result.data!.coverage.zones.find((z) => z.zone.id === zoneId)!.coveredShare;
};

/** The covered share by the definition, straight: the buffer of every step at once, in the zone. */
async function reference(): Promise<number> {
  const [row] = await t
    .em()
    .getConnection()
    .execute<{ share: number }[]>(
      `with steps as (
       select ST_Transform(location, 27700) as pt, recorded_at,
              lag(ST_Transform(location, 27700)) over w as prev_pt, lag(recorded_at) over w as prev_at
       from positions where unit_id = ? window w as (order by recorded_at)
     )
     select ST_Area(ST_Intersection(z.boundary_bng, ST_Buffer(ST_Collect(ST_MakeLine(prev_pt, pt)), 50))) / ST_Area(z.boundary_bng) as share
     from steps, patrol_zones z
     where z.id = ? and prev_at is not null and recorded_at - prev_at < interval '120 seconds'
       and recorded_at >= ? and recorded_at < ?
     group by z.boundary_bng`,
      [unitId, zoneId, window.from, window.to],
    );
  return Number(row!.share);
}

const kept = async () =>
  (await t
    .em()
    .getConnection()
    .execute<{ day: string; reach: boolean }[]>(
      `select to_char(day, 'YYYY-MM-DD') as day, reach is not null as reach from patrol_reach where unit_id = ? order by day`,
      [unitId],
    )) as { day: string; reach: boolean }[];

beforeAll(async () => {
  t = await startTestServer();
  supt = await t.tokenFor('SUPERINTENDENT');
  const em = t.em();
  unitId = (await makeUnit(em)).id;
  // Across the square's middle, west to east, at 10:00 on the settled day.
  await storePositions(em, unitId, drive(centre, new Date(day.getTime() + 10 * 3600_000), -400, 400, { kmh: 20 }), rules);
  const zone = em.create(PatrolZone, {
    name: 'Kept-reach square',
    boundary: { type: 'MultiPolygon', coordinates: [squareAround(centre, 0, 0, 100)] },
  });
  await em.flush();
  zoneId = zone.id;
});
afterAll(() => t?.close());

describe('the reach kept per unit and settled day', () => {
  it('gives the share the definition gives, is computed once, and a late fix for its day makes it stale', async () => {
    // A 100 m band across a 200 m square.
    const first = await share();
    expect(first).toBeGreaterThan(0.48);
    expect(first).toBeLessThan(0.52);
    expect(Math.abs(first - (await reference()))).toBeLessThan(0.01);
    const days = await kept();
    expect(days.find((d) => d.day === day.toISOString().slice(0, 10))).toEqual({ day: day.toISOString().slice(0, 10), reach: true });
    expect(days.every((d) => d.reach)).toBe(true);
    expect(days.length).toBeGreaterThanOrEqual(3);

    // Asked again: nothing is buffered for the kept days (nor hours), and the answer is the same.
    let again = 0;
    const statements = await statementsDuring(t, async () => {
      again = await share();
    });
    expect(statements.filter((sql) => /insert into patrol_reach(_hours)? \(/.test(sql))).toEqual([]);
    expect(again).toBeCloseTo(first, 9);

    // A late batch for that day (a device that was out of signal): a second crossing, north
    // to south. The kept day goes stale, and the share takes the new band in: 0.5 + 0.5 − 0.25.
    await storePositions(t.em(), unitId, northward(new Date(day.getTime() + 14 * 3600_000)), rules);
    expect((await kept()).find((d) => d.day === day.toISOString().slice(0, 10))?.reach).toBe(false);
    const after = await share();
    expect(after).toBeGreaterThan(0.73);
    expect(after).toBeLessThan(0.77);
    expect((await kept()).every((d) => d.reach)).toBe(true);
  });

  it('goes with the positions when they are purged', async () => {
    expect((await kept()).some((d) => d.day === day.toISOString().slice(0, 10))).toBe(true);
    // Keep two days: the settled day three days ago is wholly before the cut.
    await purgePositions(t.em(), 2);
    const left = await kept();
    expect(left.every((d) => d.day > day.toISOString().slice(0, 10))).toBe(true);
  });
});
