import { HotspotsDocument, type HotspotsQuery } from '@vigil/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offset, SOUTH_END_GREEN } from '../support/factories.js';
import { insertIncidents, type RawIncident, rng } from '../support/incidents.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let analyst: string;

// A 3 km square around South End Green with 5,000 incidents spread uniformly over it and
// 200 planted within 40 m of a point 600 m north-east of the green.
const [west, south] = offset(SOUTH_END_GREEN, -1500, -1500);
const [east, north] = offset(SOUTH_END_GREEN, 1500, 1500);
const bbox = { west, south, east, north };
const cluster = offset(SOUTH_END_GREEN, 600, 600);
const from = '2026-09-01T00:00:00Z';
const to = '2026-11-01T00:00:00Z';

beforeAll(async () => {
  t = await startTestServer();
  analyst = await t.tokenFor('ANALYST');
  const random = rng(42);
  const rows: RawIncident[] = [];
  const at = (k: number) => new Date(Date.parse(from) + Math.floor(random() * 60 * 24) * 3600_000 + k);
  for (let k = 0; k < 5000; k++) {
    rows.push({
      category: 'burglary',
      occurredAt: at(k),
      lon: west + random() * (east - west),
      lat: south + random() * (north - south),
      darkness: k % 2 ? 'DARK' : 'LIGHT',
    });
  }
  for (let k = 0; k < 200; k++) {
    const [lon, lat] = offset(cluster, (random() - 0.5) * 80, (random() - 0.5) * 80);
    rows.push({ category: 'vehicle-crime', occurredAt: at(k), lon, lat, darkness: 'DARK' });
  }
  await insertIncidents(t.em(), rows);
});
afterAll(() => t?.close());

type Cells = HotspotsQuery['hotspots']['cells'];

/** Grid indices from the cell id (s<size>:<i>:<j>): square (i, j) has its centre at ((i + ½)·size, (j + ½)·size). */
const centre = (id: string, size: number) => {
  const [, i, j] = id.split(':').map(Number);
  return { x: (i! + 0.5) * size, y: (j! + 0.5) * size };
};

/** The brief's formula, written out loop by loop, independent of the SQL. */
function giStar(cells: Cells, size: number, d: number): number[] {
  const n = cells.length;
  const x = cells.map((c) => c.count);
  const xbar = x.reduce((a, b) => a + b, 0) / n;
  const s = Math.sqrt(x.reduce((a, b) => a + b * b, 0) / n - xbar * xbar);
  const centres = cells.map((c) => centre(c.id, size));
  return cells.map((_, i) => {
    let sumWx = 0;
    let sumW = 0;
    let sumW2 = 0;
    for (let j = 0; j < n; j++) {
      const w = Math.hypot(centres[i]!.x - centres[j]!.x, centres[i]!.y - centres[j]!.y) <= d ? 1 : 0;
      sumWx += w * x[j]!;
      sumW += w;
      sumW2 += w * w;
    }
    return (sumWx - xbar * sumW) / (s * Math.sqrt((n * sumW2 - sumW * sumW) / (n - 1)));
  });
}

describe('hot spots', () => {
  it('Gi* z-scores equal a straightforward implementation of the formula to 1e-9', async () => {
    const result = await t.gql(HotspotsDocument, { input: { filter: { from, to, bbox }, cellSize: 250, method: 'GI_STAR' } }, analyst);
    expect(result.errors).toBeUndefined();
    const { cells, parameters, summary } = result.data!.hotspots;
    expect(parameters).toMatchObject({ method: 'GI_STAR', shape: 'SQUARE', cellSize: 250, neighbourhood: 375, srid: 27700, fdr: false });
    // Every incident in exactly one cell.
    expect(cells.reduce((a, c) => a + c.count, 0)).toBe(5200);
    expect(summary.incidentCount).toBe(5200);
    // A 3 km square (slightly skewed in British National Grid) under a 250 m grid: at least 12 × 12 cells.
    expect(cells.length).toBeGreaterThanOrEqual(144);
    const expected = giStar(cells, 250, 375);
    cells.forEach((c, k) => {
      expect(Math.abs(c.zScore! - expected[k]!)).toBeLessThan(1e-9);
    });
  });

  it('a planted cluster of 200 among 5,000 uniform incidents is the top HOT_99 cell', async () => {
    const { cells } = (await t.gql(HotspotsDocument, { input: { filter: { from, to, bbox }, cellSize: 250 } }, analyst)).data!.hotspots;
    const [bng] = await t
      .em()
      .execute<{ x: number; y: number }[]>(
        `select ST_X(g) x, ST_Y(g) y from ST_Transform(ST_SetSRID(ST_MakePoint(?, ?), 4326), 27700) g`,
        cluster,
      );
    const clusterCell = cells.find((c) => c.id === `s250:${Math.floor(bng!.x / 250)}:${Math.floor(bng!.y / 250)}`)!;
    const top = [...cells].sort((a, b) => b.zScore! - a.zScore!)[0]!;
    expect(top.confidence).toBe('HOT_99');
    expect(top.pValue).toBeLessThan(0.01);
    // Binary Gi* weights give the cluster's cell and its 8 neighbours the cluster in their sums,
    // so the top cell is the cluster's cell or touches it; the cluster's own cell is HOT_99 and
    // holds the highest count.
    const c = centre(top.id, 250);
    const k = centre(clusterCell.id, 250);
    expect(Math.hypot(c.x - k.x, c.y - k.y)).toBeLessThanOrEqual(375);
    expect(clusterCell.confidence).toBe('HOT_99');
    expect(clusterCell.count).toBe(Math.max(...cells.map((x) => x.count)));
    expect(clusterCell.count).toBeGreaterThanOrEqual(150);
  });

  it('the FDR correction never marks more cells significant than the plain bins', async () => {
    const plain = (await t.gql(HotspotsDocument, { input: { filter: { from, to, bbox }, cellSize: 250 } }, analyst)).data!.hotspots;
    const fdr = (await t.gql(HotspotsDocument, { input: { filter: { from, to, bbox }, cellSize: 250, fdr: true } }, analyst)).data!
      .hotspots;
    const significant = (cells: Cells) => cells.filter((c) => c.confidence !== 'NOT_SIGNIFICANT').length;
    expect(fdr.parameters.fdr).toBe(true);
    expect(significant(fdr.cells)).toBeLessThanOrEqual(significant(plain.cells));
    expect(fdr.summary.hot99).toBeGreaterThanOrEqual(1);
  });

  it('after dark keeps only dark incidents, and the map changes', async () => {
    const any = (await t.gql(HotspotsDocument, { input: { filter: { from, to, bbox }, method: 'COUNT' } }, analyst)).data!.hotspots;
    const dark = (await t.gql(HotspotsDocument, { input: { filter: { from, to, bbox, darkness: 'DARK' }, method: 'COUNT' } }, analyst))
      .data!.hotspots;
    expect(dark.summary.incidentCount).toBe(2700);
    expect(dark.cells.map((c) => c.count)).not.toEqual(any.cells.map((c) => c.count));
    const vehicle = (
      await t.gql(HotspotsDocument, { input: { filter: { from, to, bbox, categories: ['vehicle-crime'] }, method: 'COUNT' } }, analyst)
    ).data!.hotspots;
    expect(vehicle.summary.incidentCount).toBe(200);
    expect(vehicle.summary.maxCount).toBeGreaterThanOrEqual(100);
  });

  it('KDE (quartic) at each cell centre equals the kernel summed over the incidents', async () => {
    const result = (
      await t.gql(HotspotsDocument, { input: { filter: { from, to, bbox }, method: 'KDE', cellSize: 250, bandwidth: 400 } }, analyst)
    ).data!.hotspots;
    expect(result.parameters).toMatchObject({ method: 'KDE', bandwidth: 400 });
    const points = await t
      .em()
      .execute<{ x: number; y: number }[]>(
        `select ST_X(location_bng) x, ST_Y(location_bng) y from incidents where ST_Intersects(location, ST_MakeEnvelope(?, ?, ?, ?, 4326))`,
        [west, south, east, north],
      );
    const h = 400;
    for (const cell of result.cells.filter((_, k) => k % 17 === 0)) {
      const c = centre(cell.id, 250);
      let sum = 0;
      for (const p of points) {
        const d2 = (p.x - c.x) ** 2 + (p.y - c.y) ** 2;
        if (d2 < h * h) sum += (1 - d2 / (h * h)) ** 2;
      }
      const perKm2 = ((sum * 3) / (Math.PI * h * h)) * 1e6;
      expect(cell.value).toBeCloseTo(perKm2, 6);
    }
    const top = [...result.cells].sort((a, b) => b.value - a.value)[0]!;
    expect(top.count).toBeGreaterThanOrEqual(100);
  });

  it('hexagons cover the area and count every incident once', async () => {
    const hex = (
      await t.gql(HotspotsDocument, { input: { filter: { from, to, bbox }, shape: 'HEXAGON', cellSize: 150, method: 'COUNT' } }, analyst)
    ).data!.hotspots;
    expect(hex.parameters.shape).toBe('HEXAGON');
    expect(hex.cells.reduce((a, c) => a + c.count, 0)).toBe(5200);
    expect(hex.cells[0]!.geometry.coordinates[0]).toHaveLength(7);
  });

  it('a grid too fine for the area, or a backwards period, is BAD_USER_INPUT', async () => {
    const fine = await t.gql(
      HotspotsDocument,
      { input: { filter: { from, to, bbox: { west: -0.3, south: 51.4, east: 0.1, north: 51.7 } }, cellSize: 25 } },
      analyst,
    );
    expect(fine.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(fine.errors?.[0]?.message).toMatch(/^input\.cellSize: 25 m cells make about \d+ cells/);
    const backwards = await t.gql(HotspotsDocument, { input: { filter: { from: to, to: from, bbox } } }, analyst);
    expect(backwards.errors?.[0]?.message).toMatch(/^input\.filter\.from: must be before input\.filter\.to/);
  });
});
