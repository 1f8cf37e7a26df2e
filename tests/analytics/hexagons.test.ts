import { HotspotsDocument, type HotspotsQuery } from '@vigil/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offset, SOUTH_END_GREEN } from '../support/factories.js';
import { insertIncidents, rng } from '../support/incidents.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Gi* on hexagons, checked against the geometry PostGIS returns rather than the grid
 * arithmetic of the server: two cells are neighbours when their polygons share an edge.
 * Five isolated incidents at random places (seeded: VIGIL_SEED), for random cell sizes.
 */
const SEED = Number(process.env.VIGIL_SEED ?? 20261224);
const from = '2026-09-01T00:00:00Z';
const to = '2026-10-01T00:00:00Z';

let t: TestServer;
let analyst: string;
beforeAll(async () => {
  t = await startTestServer();
  analyst = await t.tokenFor('ANALYST');
});
afterAll(() => t?.close());

type Cell = HotspotsQuery['hotspots']['cells'][number];

/** Cells sharing an edge (two vertices, to 1e-7°) with each cell, from the polygons alone. */
function touching(cells: Cell[]): Map<string, Set<string>> {
  const byVertex = new Map<string, string[]>();
  for (const c of cells) {
    const ring = (c.geometry.coordinates as number[][][])[0]!.slice(0, -1);
    for (const [lon, lat] of ring) {
      const key = `${lon!.toFixed(6)},${lat!.toFixed(6)}`;
      byVertex.set(key, [...(byVertex.get(key) ?? []), c.id]);
    }
  }
  const shared = new Map<string, Map<string, number>>();
  for (const ids of byVertex.values())
    for (const a of ids)
      for (const b of ids) {
        if (a === b) continue;
        const m = shared.get(a) ?? new Map<string, number>();
        m.set(b, (m.get(b) ?? 0) + 1);
        shared.set(a, m);
      }
  return new Map(
    cells.map((c) => [c.id, new Set([...(shared.get(c.id) ?? new Map()).entries()].filter(([, n]) => n >= 2).map(([id]) => id))]),
  );
}

/** Five incidents at least 8 cells apart and from the edges of a 40 × 40-cell box. */
function isolated(random: () => number, size: number) {
  const points: [number, number][] = [];
  while (points.length < 5) {
    const p: [number, number] = [(random() - 0.5) * 24 * size, (random() - 0.5) * 24 * size];
    if (points.every((q) => Math.hypot(q[0] - p[0], q[1] - p[1]) > 8 * size)) points.push(p);
  }
  const [west, south] = offset(SOUTH_END_GREEN, -20 * size, -20 * size);
  const [east, north] = offset(SOUTH_END_GREEN, 20 * size, 20 * size);
  return { points: points.map(([e, n]) => offset(SOUTH_END_GREEN, e, n)), bbox: { west, south, east, north } };
}

async function mapOf(
  size: number,
  points: [number, number][],
  bbox: { west: number; south: number; east: number; north: number },
  extra: object,
) {
  await t.em().execute('delete from incidents');
  await insertIncidents(
    t.em(),
    points.map(([lon, lat], k) => ({ category: 'burglary', occurredAt: new Date(Date.parse(from) + k * 3600_000), lon, lat })),
  );
  const result = await t.gql(
    HotspotsDocument,
    { input: { filter: { from, to, bbox }, method: 'GI_STAR', cellSize: size, ...extra } },
    analyst,
  );
  expect(result.errors, JSON.stringify({ size, extra })).toBeUndefined();
  return result.data!.hotspots;
}

describe('Gi* on hexagons', () => {
  it('five isolated incidents each count in exactly 7 hexagons (their own and the 6 touching) at neighbourhood √3 × cellSize', async () => {
    const random = rng(SEED);
    for (const size of [50, 100 + Math.floor(random() * 150), 200 + Math.floor(random() * 300)]) {
      const { points, bbox } = isolated(random, size);
      const map = await mapOf(size, points, bbox, { shape: 'HEXAGON', neighbourhood: Math.sqrt(3) * size });
      const note = `VIGIL_SEED=${SEED}, cellSize ${size}, incidents ${JSON.stringify(points)}`;
      expect(map.parameters.neighbourhood).toBe(Math.sqrt(3) * size);
      // Each cell's neighbourhood sum Σⱼ wᵢⱼxⱼ is its count plus its touching cells' counts.
      const near = touching(map.cells);
      const count = new Map(map.cells.map((c) => [c.id, c.count]));
      for (const c of map.cells) {
        const expected = c.count + [...near.get(c.id)!].reduce((a, id) => a + count.get(id)!, 0);
        expect(c.value, `${note}: cell ${c.id}`).toBe(expected);
      }
      const holding = map.cells.filter((c) => c.count === 1);
      expect(holding.length, note).toBe(5);
      for (const c of holding) expect(near.get(c.id)!.size, `${note}: ${c.id}`).toBe(6);
      expect(map.cells.filter((c) => c.value === 1).length, note).toBe(35);
      expect(
        map.cells.reduce((a, c) => a + c.value, 0),
        note,
      ).toBe(35);
    }
  });

  it('the default hexagon request is answered, with a neighbourhood reaching the first ring and no further', async () => {
    const random = rng(SEED + 1);
    const size = 150;
    const { points, bbox } = isolated(random, size);
    const map = await mapOf(size, points, bbox, { shape: 'HEXAGON' });
    expect(map.parameters.neighbourhood).toBeCloseTo(1.5 * Math.sqrt(3) * size, 9);
    expect(map.cells.filter((c) => c.value === 1).length).toBe(35);
    // z-scores of the formula with the touching cells as neighbours (binary weights, self included).
    const near = touching(map.cells);
    const x = new Map(map.cells.map((c) => [c.id, c.count]));
    const n = map.cells.length;
    const xbar = [...x.values()].reduce((a, b) => a + b, 0) / n;
    const s = Math.sqrt([...x.values()].reduce((a, b) => a + b * b, 0) / n - xbar * xbar);
    for (const c of map.cells) {
      const ids = [c.id, ...near.get(c.id)!];
      const w = ids.length;
      const wx = ids.reduce((a, id) => a + x.get(id)!, 0);
      const z = (wx - xbar * w) / (s * Math.sqrt((n * w - w * w) / (n - 1)));
      expect(Math.abs(c.zScore! - z), c.id).toBeLessThan(1e-9);
    }
  });

  it('squares by default reach the 8 around: an isolated incident counts in 9 cells', async () => {
    const random = rng(SEED + 2);
    const size = 120;
    const { points, bbox } = isolated(random, size);
    const map = await mapOf(size, points, bbox, {});
    expect(map.parameters).toMatchObject({ shape: 'SQUARE', neighbourhood: 180 });
    expect(map.cells.filter((c) => c.value === 1).length).toBe(45);
  });

  it('KDE on hexagons: each centre’s density is the quartic kernel summed over the incidents within the bandwidth', async () => {
    const random = rng(SEED + 4);
    const size = 90;
    const centre = offset(SOUTH_END_GREEN, 0, 0);
    const points = Array.from({ length: 300 }, () => offset(centre, (random() - 0.5) * 1500, (random() - 0.5) * 1500));
    const [west, south] = offset(centre, -900, -900);
    const [east, north] = offset(centre, 900, 900);
    const h = 260;
    const map = await mapOf(size, points, { west, south, east, north }, { shape: 'HEXAGON', method: 'KDE', bandwidth: h });
    const em = t.em();
    const xy = await em.execute<{ x: number; y: number }[]>('select ST_X(location_bng) x, ST_Y(location_bng) y from incidents');
    // Centres from PostGIS's own hexagons, not from the server's arithmetic.
    const centres = await em.execute<{ id: string; x: number; y: number }[]>(
      `select c.id, ST_X(ST_Centroid(ST_Hexagon(?, c.i, c.j))) x, ST_Y(ST_Centroid(ST_Hexagon(?, c.i, c.j))) y
       from jsonb_to_recordset(?::jsonb) as c(id text, i int, j int)`,
      [size, size, JSON.stringify(map.cells.map((c) => ({ id: c.id, i: Number(c.id.split(':')[1]), j: Number(c.id.split(':')[2]) })))],
    );
    const at = new Map(centres.map((c) => [c.id, c]));
    for (const cell of map.cells) {
      const c = at.get(cell.id)!;
      let sum = 0;
      for (const p of xy) {
        const d2 = (p.x - c.x) ** 2 + (p.y - c.y) ** 2;
        if (d2 < h * h) sum += (1 - d2 / (h * h)) ** 2;
      }
      expect(cell.value, cell.id).toBeCloseTo(((sum * 3) / (Math.PI * h * h)) * 1e6, 6);
    }
  });

  it('a neighbourhood short of the touching cells is BAD_USER_INPUT naming the field', async () => {
    const result = await t.gql(
      HotspotsDocument,
      { input: { filter: { from, to, bbox: isolated(rng(3), 100).bbox }, shape: 'HEXAGON', cellSize: 100, neighbourhood: 170 } },
      analyst,
    );
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.neighbourhood' } });
  });
});
