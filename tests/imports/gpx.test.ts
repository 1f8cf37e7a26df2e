import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { offsetMetres, Rng } from '@vigil/seeds';
import { type Orm, openOrm } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVigil } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const POINTS = 5000;
const SYNAGOGUE: [number, number] = [-0.1745, 51.5431];
const dir = mkdtempSync(join(tmpdir(), 'vigil-gpx-'));

interface TrackPoint {
  lon: number;
  lat: number;
  time: Date;
}

/**
 * A car's afternoon: 5,000 fixes 5 s apart, wandering about Swiss Cottage, with one
 * 12-minute stop 15 m from a synagogue in the middle (fixes 2,000–2,144).
 */
function writeGpx(): { file: string; points: TrackPoint[] } {
  const rng = Rng.stream('gpx-test');
  const start = Date.parse('2026-11-20T13:00:00Z');
  const points: TrackPoint[] = [];
  let here = offsetMetres(SYNAGOGUE, -1500, -800);
  for (let i = 0; i < POINTS; i++) {
    if (i >= 2000 && i < 2145) here = offsetMetres(SYNAGOGUE, 15 + rng.normal(0, 2), rng.normal(0, 2));
    else if (i === 2145) here = offsetMetres(SYNAGOGUE, 300, 300);
    // Before the stop it drives away south-west of the synagogue, after it away north-east: no other visit.
    else here = offsetMetres(here, rng.normal(i < 2000 ? -8 : 8, 20), rng.normal(i < 2000 ? -4 : 4, 20));
    points.push({ lon: Math.round(here[0] * 1e7) / 1e7, lat: Math.round(here[1] * 1e7) / 1e7, time: new Date(start + i * 5000) });
  }
  const file = join(dir, 'cn-t1.gpx');
  const trkpts = points
    .map(
      (p, i) =>
        `      <trkpt lat="${p.lat}" lon="${p.lon}"><ele>60.0</ele><time>${p.time.toISOString()}</time>` +
        `<extensions><gpxtpx:TrackPointExtension><gpxtpx:speed>${(i % 10) + 0.5}</gpxtpx:speed><gpxtpx:course>${i % 360}</gpxtpx:course></gpxtpx:TrackPointExtension></extensions></trkpt>`,
    )
    .join('\n');
  writeFileSync(
    file,
    `<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="Vigil test" xmlns="http://www.topografix.com/GPX/1/1" xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v2">
  <trk><name>CN-T1 afternoon</name>
    <trkseg>
${trkpts}
    </trkseg>
  </trk>
</gpx>
`,
  );
  return { file, points };
}

let db: TestDatabase;
let orm: Orm;
const em = () => orm.em.fork() as unknown as EntityManager;
let unitId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openOrm(db.url, 2);
  const conn = em().getConnection();
  [{ id: unitId }] = (await conn.execute(
    `insert into patrol_units (id, call_sign, kind, team, borough) values (gen_random_uuid(), 'CN-T1', 'CAR', 'Camden test car', 'Camden') returning id`,
  )) as [{ id: string }];
  await conn.execute(
    `insert into sites (id, name, kind, location, risk_level, required_visits_per_day)
     values (gen_random_uuid(), 'Test synagogue (demo)', 'SYNAGOGUE', ST_SetSRID(ST_MakePoint(?, ?), 4326), 'HIGH', 2)`,
    SYNAGOGUE,
  );
});
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe('vigil import gpx: a unit’s GPS track', () => {
  it('a GPX file with 5,000 points imports as positions of the named unit, in order, and its stop becomes a visit', async () => {
    const { file, points } = writeGpx();
    const result = await runVigil(['import', 'gpx', 'CN-T1', file], db.url);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/Importing GPX track of CN-T1 \[[█░]+\] 100% \| 5000\/5000 points/);
    expect(result.stdout).toContain('Read 5,000 points from cn-t1.gpx');
    expect(result.stdout).toContain('Imported 5,000\n');

    const stored = await em()
      .getConnection()
      .execute<{ lon: number; lat: number; recorded_at: Date; speed: number; heading: number }[]>(
        `select ST_X(location) as lon, ST_Y(location) as lat, recorded_at, speed, heading from positions where unit_id = ? order by id`,
        [unitId],
      );
    expect(stored).toHaveLength(POINTS);
    // Same points, same order, same times as the file; stored order is time order.
    expect(stored.map((p) => [p.lon, p.lat])).toEqual(points.map((p) => [p.lon, p.lat]));
    expect(stored.map((p) => new Date(p.recorded_at).getTime())).toEqual(points.map((p) => p.time.getTime()));
    expect(stored[7]).toMatchObject({ speed: 7.5, heading: 7 });

    const visits = await em()
      .getConnection()
      .execute<{ minutes: number; fixes: number }[]>(
        `select (extract(epoch from exited_at - entered_at) / 60)::float8 as minutes, fixes from visits where unit_id = ?`,
        [unitId],
      );
    expect(visits).toEqual([{ minutes: 12, fixes: 145 }]);
  });

  it('importing the same track again adds nothing', async () => {
    const { file } = writeGpx();
    const again = await runVigil(['import', 'gpx', 'CN-T1', file], db.url);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('Imported 0\n');
    expect(again.stdout).toContain('already imported: 5,000');
    const [{ n }] = (await em().getConnection().execute(`select count(*)::int as n from positions`)) as [{ n: number }];
    expect(n).toBe(POINTS);
  });

  it('points without a time or with impossible coordinates are skipped by number; an unknown call sign is refused', async () => {
    const file = join(dir, 'odd.gpx');
    writeFileSync(
      file,
      `<gpx version="1.0"><trk><trkseg>
        <trkpt lat="51.55" lon="-0.17"><time>2026-11-20T10:00:00Z</time><speed>3.5</speed><course>90</course></trkpt>
        <trkpt lat="51.55" lon="-0.17"></trkpt>
        <trkpt lat="151.55" lon="-0.17"><time>2026-11-20T10:00:10Z</time></trkpt>
        <trkpt lat="51.5501" lon="-0.1701"><time>2026-11-20T10:00:15Z</time><speed>1e39</speed><course>45</course></trkpt>
      </trkseg></trk></gpx>`,
    );
    const result = await runVigil(['import', 'gpx', 'CN-T1', file], db.url);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Imported 2\n');
    expect(result.stdout).toContain('no time: 1 (point 2)');
    expect(result.stdout).toContain('bad coordinates: 1 (point 3)');
    // A speed no real column can hold is read as missing; the point and its course are kept.
    const [last] = (await em()
      .getConnection()
      .execute(`select speed, heading from positions where recorded_at = '2026-11-20T10:00:15Z'`)) as [
      { speed: number | null; heading: number },
    ];
    expect(last).toEqual({ speed: null, heading: 45 });

    const unknown = await runVigil(['import', 'gpx', 'XX-9', file], db.url);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No patrol unit with call sign "XX-9" (known: CN-T1)');
  });
});
