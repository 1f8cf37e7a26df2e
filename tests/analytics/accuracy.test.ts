import { HotspotAccuracyDocument } from '@vigil/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offset, SOUTH_END_GREEN } from '../support/factories.js';
import { insertIncidents, type RawIncident, rng } from '../support/incidents.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * PAI = (n/N) ÷ (a/A) with a and A areas (Chainey, Tompson & Uhlig 2008): a the flagged
 * cells' area inside the study area, A the study area. Checked against a computation by
 * hand from the flagged cell ids: each 250 m square clipped to the study area by PostGIS,
 * the test crimes counted cell by cell.
 */
const DAY = 86_400_000;
const SIZE = 250;
let t: TestServer;
let analyst: string;
// A study area whose edges cut through cells (a box in WGS84 is slanted in British National Grid).
const [west, south] = offset(SOUTH_END_GREEN, -1130, -870);
const [east, north] = offset(SOUTH_END_GREEN, 1210, 940);
const bbox = { west, south, east, north };
const train = { from: '2026-06-01T00:00:00Z', to: '2026-07-01T00:00:00Z' };
const test = { from: '2026-07-01T00:00:00Z', to: '2026-08-01T00:00:00Z' };

beforeAll(async () => {
  t = await startTestServer();
  analyst = await t.tokenFor('ANALYST');
  const random = rng(99);
  const rows: RawIncident[] = [];
  // Two persistent clusters, one on the study area's edge, over noise.
  const clusters = [offset(SOUTH_END_GREEN, 400, 300), offset(SOUTH_END_GREEN, -1125, 0)];
  for (const window of [train, test]) {
    for (let k = 0; k < 400; k++) {
      const c = clusters[k % 2]!;
      const [lon, lat] =
        k < 160
          ? offset(c, (random() - 0.5) * 200, (random() - 0.5) * 200)
          : offset(SOUTH_END_GREEN, (random() - 0.5) * 2600, (random() - 0.5) * 2000);
      rows.push({ category: 'vehicle-crime', occurredAt: new Date(Date.parse(window.from) + random() * 29 * DAY), lon, lat });
    }
  }
  await insertIncidents(t.em(), rows);
});
afterAll(() => t?.close());

describe('hot-spot accuracy by area', () => {
  it('PAI, hit rate and a/A equal a hand computation with the cells clipped to the study area', async () => {
    for (const [method, topShare] of [
      ['COUNT', 0.05],
      ['GI_STAR', 0.1],
      ['KDE', 0.03],
    ] as const) {
      const result = await t.gql(
        HotspotAccuracyDocument,
        { input: { filter: { ...test, bbox }, trainFrom: train.from, trainTo: train.to, method, topShare, cellSize: SIZE } },
        analyst,
      );
      expect(result.errors).toBeUndefined();
      const a = result.data!.hotspotAccuracy;
      const em = t.em();
      const area = `ST_Transform(ST_MakeEnvelope(?, ?, ?, ?, 4326), 27700)`;
      const [{ A }] = (await em.execute(`select ST_Area(${area}) as "A"`, [west, south, east, north])) as [{ A: number }];
      const cells = a.flaggedCellIds.map((id) => id.split(':').slice(1).map(Number) as [number, number]);
      const clipped = await Promise.all(
        cells.map(async ([i, j]) => {
          const [row] = await em.execute<{ a: number }[]>(
            `select ST_Area(ST_Intersection(ST_MakeEnvelope(?, ?, ?, ?, 27700), ${area})) as a`,
            [i * SIZE, j * SIZE, (i + 1) * SIZE, (j + 1) * SIZE, west, south, east, north],
          );
          return row!.a;
        }),
      );
      const flaggedArea = clipped.reduce((x, y) => x + y, 0);
      const crimes = await em.execute<{ i: number; j: number }[]>(
        `select floor(ST_X(location_bng) / ${SIZE})::int as i, floor(ST_Y(location_bng) / ${SIZE})::int as j from incidents
         where occurred_at >= ? and occurred_at < ? and ST_Intersects(location, ST_MakeEnvelope(?, ?, ?, ?, 4326))`,
        [test.from, test.to, west, south, east, north],
      );
      const flagged = new Set(cells.map(([i, j]) => `${i}:${j}`));
      const n = crimes.filter((c) => flagged.has(`${c.i}:${c.j}`)).length;
      const bigN = crimes.length;
      expect(a.testIncidents).toBe(bigN);
      expect(a.testIncidentsCaptured).toBe(n);
      expect(a.studyAreaSquareMetres).toBeCloseTo(A, 3);
      expect(a.flaggedSquareMetres).toBeCloseTo(flaggedArea, 3);
      expect(a.areaShare).toBeCloseTo(flaggedArea / A, 12);
      expect(a.hitRate).toBeCloseTo(n / bigN, 12);
      expect(a.pai).toBeCloseTo(n / bigN / (flaggedArea / A), 9);
      // Flagged until the area reaches topShare × A: one cell fewer would fall short.
      expect(flaggedArea).toBeGreaterThanOrEqual(topShare * A);
      expect(flaggedArea - clipped.at(-1)!).toBeLessThan(topShare * A);
      expect(a.pei).toBeLessThanOrEqual(1);
      expect(a.pei).toBeCloseTo(a.pai! / a.maxPai!, 9);
      expect(a.maxPai).toBeGreaterThanOrEqual(a.pai!);
    }
  });

  it('boundary cells count only their part inside: a/A is not flagged cells ÷ all cells', async () => {
    const a = (
      await t.gql(
        HotspotAccuracyDocument,
        { input: { filter: { ...test, bbox }, trainFrom: train.from, trainTo: train.to, method: 'COUNT', topShare: 0.05, cellSize: SIZE } },
        analyst,
      )
    ).data!.hotspotAccuracy;
    // The edge cluster puts cut cells among the flagged ones.
    expect(a.flaggedSquareMetres).toBeLessThan(a.cellsFlagged * SIZE * SIZE - 1);
    expect(Math.abs(a.areaShare - a.cellsFlagged / a.cellCount)).toBeGreaterThan(1e-4);
  });
});
