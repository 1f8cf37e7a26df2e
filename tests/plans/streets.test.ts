import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { PatrolPlanDocument } from '@vigil/schema';
import { UnitKind } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVigil } from '../support/cli.js';
import { makeSite, makeUnit, offset } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { osmPbf } from './osm-pbf.js';
import { expectPlanKeepsTheRules, type Plan } from './support.js';

/**
 * A street grid the test writes as OSM XML: 5 × 5 junctions 200 m apart (avenues x = 0..4
 * running north, streets y = 0..4 running east), with
 * - street y = 2 one-way eastbound (oneway=yes) and avenue x = 3 one-way southbound (drawn
 *   northwards with oneway=-1);
 * - a dead end: a 150 m cul-de-sac west from junction (0, 4);
 * - a footpath (no cars) on the diagonal from (0, 0) to (1, 1);
 * - one way split into two OSM ways at a junction, as real data often is.
 * Distances on the grid follow from its layout; the test finds shortest paths over it with
 * its own Dijkstra and checks the plan's legs against them.
 */
const ORIGIN: [number, number] = [-0.16, 51.55];
const STEP = 200;
const junction = (x: number, y: number) => 1000 + x * 10 + y;
const DEAD_END = 2000;

interface Way {
  id: number;
  nodes: number[];
  tags: Record<string, string>;
}

function gridWays(): Way[] {
  const ways: Way[] = [];
  let id = 1;
  for (let y = 0; y <= 4; y++) {
    const nodes = [0, 1, 2, 3, 4].map((x) => junction(x, y));
    const tags: Record<string, string> = { highway: 'residential', name: `Street ${y}` };
    if (y === 2) tags.oneway = 'yes';
    if (y === 1) {
      // Street 1 comes as two ways that meet at (2, 1).
      ways.push({ id: id++, nodes: nodes.slice(0, 3), tags });
      ways.push({ id: id++, nodes: nodes.slice(2), tags });
    } else ways.push({ id: id++, nodes, tags });
  }
  for (let x = 0; x <= 4; x++) {
    const tags: Record<string, string> = { highway: x === 0 ? 'tertiary' : 'residential', name: `Avenue ${x}` };
    if (x === 3) tags.oneway = '-1';
    ways.push({ id: id++, nodes: [0, 1, 2, 3, 4].map((y) => junction(x, y)), tags });
  }
  ways.push({ id: id++, nodes: [junction(0, 4), DEAD_END], tags: { highway: 'residential', name: 'Dead End Close' } });
  ways.push({ id: id++, nodes: [junction(0, 0), junction(1, 1)], tags: { highway: 'footway' } });
  // Not streets: a building outline and a river.
  ways.push({ id: id++, nodes: [junction(1, 1), junction(2, 2), junction(1, 2), junction(1, 1)], tags: { building: 'yes' } });
  ways.push({ id: id++, nodes: [junction(4, 0), junction(4, 4)], tags: { waterway: 'river' } });
  return ways;
}

function position(node: number): [number, number] {
  if (node === DEAD_END) return offset(ORIGIN, -150, 4 * STEP);
  const x = Math.floor((node - 1000) / 10);
  const y = (node - 1000) % 10;
  return offset(ORIGIN, x * STEP, y * STEP);
}

function osmXml(ways: Way[]): string {
  const nodes = [...new Set(ways.flatMap((w) => w.nodes))].sort((a, b) => a - b);
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<osm version="0.6" generator="vigil tests">`,
    ...nodes.map((n) => {
      const [lon, lat] = position(n);
      return `  <node id="${n}" lat="${lat}" lon="${lon}"/>`;
    }),
    ...ways.map(
      (w) =>
        `  <way id="${w.id}">${w.nodes.map((n) => `<nd ref="${n}"/>`).join('')}${Object.entries(w.tags)
          .map(([k, v]) => `<tag k="${k}" v="${v}"/>`)
          .join('')}</way>`,
    ),
    `</osm>`,
  ].join('\n');
}

/** Directed adjacency of the grid for a car or on foot, in metres (200 m between junctions). */
function adjacency(mode: 'CAR' | 'FOOT'): Map<number, [number, number][]> {
  const out = new Map<number, [number, number][]>();
  const add = (a: number, b: number, m: number) => out.set(a, [...(out.get(a) ?? []), [b, m]]);
  for (const way of gridWays()) {
    if (!way.tags.highway || (mode === 'CAR' && way.tags.highway === 'footway')) continue;
    for (let k = 1; k < way.nodes.length; k++) {
      const [a, b] = [way.nodes[k - 1]!, way.nodes[k]!];
      const m = a === junction(0, 0) && b === junction(1, 1) ? STEP * Math.SQRT2 : b === DEAD_END ? 150 : STEP;
      const one = mode === 'CAR' ? (way.tags.oneway === 'yes' ? 1 : way.tags.oneway === '-1' ? -1 : 0) : 0;
      if (one >= 0) add(a, b, m);
      if (one <= 0) add(b, a, m);
    }
  }
  return out;
}

function shortest(mode: 'CAR' | 'FOOT', from: number, to: number): number {
  const graph = adjacency(mode);
  const dist = new Map<number, number>([[from, 0]]);
  const done = new Set<number>();
  for (;;) {
    let v: number | null = null;
    for (const [n, d] of dist) if (!done.has(n) && (v === null || d < dist.get(v)!)) v = n;
    if (v === null) return Number.POSITIVE_INFINITY;
    if (v === to) return dist.get(v)!;
    done.add(v);
    for (const [w, m] of graph.get(v) ?? []) if (!dist.has(w) || dist.get(v)! + m < dist.get(w)!) dist.set(w, dist.get(v)! + m);
  }
}

let t: TestServer;
let planner: string;
let car: string;
let walker: string;
const from = '2026-06-10T08:00:00.000Z';
const to = '2026-06-10T11:00:00.000Z';
// Sites on junctions (the grid's metres are exact there): A at (1, 2), B at (3, 2), C at the dead end.
const SITES = { A: junction(1, 2), B: junction(3, 2), C: DEAD_END };
const names = new Map<string, keyof typeof SITES>();

beforeAll(async () => {
  t = await startTestServer();
  planner = await t.tokenFor('PLANNER');
  const em = t.em() as EntityManager;
  car = (await makeUnit(em, { callSign: 'GR-C', kind: UnitKind.CAR })).id;
  walker = (await makeUnit(em, { callSign: 'GR-F', kind: UnitKind.FOOT })).id;
  const [w, s] = offset(ORIGIN, -400, -400);
  const [e, n] = offset(ORIGIN, 1200, 1200);
  const [zone] = await t
    .em()
    .execute<{ id: string }[]>(
      `insert into patrol_zones (id, name, boundary) values (gen_random_uuid(), 'Grid', ST_Multi(ST_MakeEnvelope(?, ?, ?, ?, 4326))) returning id`,
      [w, s, e, n],
    );
  for (const u of [car, walker]) await t.em().execute('insert into patrol_zone_units values (?, ?)', [zone!.id, u]);
  for (const [name, node] of Object.entries(SITES)) {
    const site = await makeSite(em, { name: `Site ${name}`, at: position(node), requiredVisitsPerDay: 1 });
    names.set(site.id, name as keyof typeof SITES);
  }
});
afterAll(() => t?.close());

const plan = async (unitId: string, input: Record<string, unknown> = {}) => {
  const result = await t.gql(
    PatrolPlanDocument,
    { input: { from, to, unitIds: [unitId], startAt: { type: 'Point', coordinates: position(junction(0, 0)) }, ...input } as never },
    planner,
  );
  expect(result.errors).toBeUndefined();
  return result.data!.patrolPlan as Plan;
};

const nodeOf = (lon: number, lat: number): number | undefined =>
  [...new Set(gridWays().flatMap((w) => w.nodes))].find((n) => {
    const [x, y] = position(n);
    return Math.abs(x - lon) < 1e-6 && Math.abs(y - lat) < 1e-6;
  });

describe('travel without a street network', () => {
  it('is the straight line × 1.3, and the plan says so', async () => {
    const p = await plan(car);
    expect(p.method.kind).toBe('STRAIGHT_LINE');
    expect(p.method.description).toMatch(/Straight line × 1\.3.*no street network is imported/);
    for (const stop of p.stops) expect(stop.route.coordinates).toHaveLength(2);
  });
});

describe('travel over an imported OSM street grid', () => {
  let cli: Awaited<ReturnType<typeof runVigil>>;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-streets-'));
    const file = join(dir, 'grid.osm');
    writeFileSync(file, osmXml(gridWays()));
    cli = await runVigil(['import', 'streets', file], t.db.url);
  }, 120_000);

  it('`vigil import streets` loads the streets as a graph of junctions, leaving out what is not a street', async () => {
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toMatch(/Read 15 ways from grid\.osm/);
    expect(cli.stdout).toMatch(/not a street[^\n]*: 2/);
    const [counts] = await t.em().execute<{ nodes: number; edges: number; oneway: number; foot_only: number }[]>(
      `select (select count(*)::int from street_nodes) as nodes, (select count(*)::int from street_edges) as edges,
              (select count(*)::int from street_edges where car_forward <> car_backward) as oneway,
              (select count(*)::int from street_edges where not car_forward and not car_backward and foot) as foot_only`,
    );
    // 25 junctions + the dead end; 5 streets × 4 + 5 avenues × 4 + the close + the path.
    expect(counts).toEqual({ nodes: 26, edges: 42, oneway: 8, foot_only: 1 });
    const [length] = await t.em().execute<{ m: number }[]>(`select length_metres as m from street_edges where name = 'Dead End Close'`);
    expect(length!.m).toBeCloseTo(150, 0);
    const missing = await runVigil(['import', 'streets', join(tmpdir(), 'no-such-extract.osm')], t.db.url);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/No such file/);
  });

  /** Every leg follows streets the mode may take in that direction, and measures the test's own shortest path. */
  function expectLegsOnTheStreets(p: Plan, mode: 'CAR' | 'FOOT', start: number): void {
    const graph = adjacency(mode);
    let previous = start;
    for (const stop of p.stops) {
      const target = SITES[names.get(stop.site!.id)!];
      const vertices = stop.route.coordinates.map(([lon, lat]: [number, number]) => nodeOf(lon, lat));
      expect(vertices.every((v: number | undefined) => v !== undefined)).toBe(true);
      for (let k = 1; k < vertices.length; k++)
        if (vertices[k] !== vertices[k - 1])
          expect(
            graph.get(vertices[k - 1]!)?.some(([w]) => w === vertices[k]),
            `${mode} ${vertices[k - 1]} → ${vertices[k]}`,
          ).toBe(true);
      expect(vertices[0]).toBe(previous);
      expect(vertices.at(-1)).toBe(target);
      // The grid is laid out with a flat-earth offset; PostGIS measures on the spheroid: within 0.3 %.
      const expected = shortest(mode, previous, target);
      expect(Math.abs(stop.travelMetres - expected)).toBeLessThanOrEqual(0.003 * expected + 0.5);
      previous = target;
    }
  }
  const westOnStreet2 = (p: Plan) =>
    p.stops.some((stop) => {
      const v = stop.route.coordinates.map(([lon, lat]: [number, number]) => nodeOf(lon, lat));
      return v.some(
        (n: number | undefined, k: number) => k > 0 && [0, 1, 2, 3].some((x) => v[k - 1] === junction(x + 1, 2) && n === junction(x, 2)),
      );
    });

  it('a car’s legs follow the streets, keep to one-way streets, and measure what the shortest path measures', async () => {
    for (const start of [junction(0, 0), SITES.A, SITES.B]) {
      const p = await plan(car, { startAt: { type: 'Point', coordinates: position(start) } });
      expect(p.method.kind).toBe('STREET_NETWORK');
      expect(p.method.description).toMatch(/street network from grid\.osm/);
      expectPlanKeepsTheRules(p);
      expect(p.stops.map((s) => names.get(s.site!.id)).sort()).toEqual(['A', 'B', 'C']);
      expectLegsOnTheStreets(p, 'CAR', start);
      expect(westOnStreet2(p)).toBe(false);
    }
  });

  it('one-way streets make a car go round where a foot patrol walks straight back', async () => {
    expect(shortest('CAR', SITES.A, SITES.B)).toBe(400);
    expect(shortest('CAR', SITES.B, SITES.A)).toBe(800);
    const drive = await plan(car, { startAt: { type: 'Point', coordinates: position(SITES.B) } });
    const walk = await plan(walker, { startAt: { type: 'Point', coordinates: position(SITES.B) } });
    expectLegsOnTheStreets(walk, 'FOOT', SITES.B);
    expectPlanKeepsTheRules(walk);
    // Both start at B and go to A next: the car round the block, on foot straight along street 2.
    expect(drive.stops.slice(0, 2).map((s) => names.get(s.site!.id))).toEqual(['B', 'A']);
    expect(walk.stops.slice(0, 2).map((s) => names.get(s.site!.id))).toEqual(['B', 'A']);
    expect(Math.abs(drive.stops[1]!.travelMetres - 800)).toBeLessThan(3);
    expect(Math.abs(walk.stops[1]!.travelMetres - 400)).toBeLessThan(1.5);
    expect(westOnStreet2(walk)).toBe(true);
    // Leg times follow from the same metres at each unit's speed: 800 m at 20 km/h, 400 m at 4.5 km/h.
    expect(drive.stops[1]!.travelSeconds).toBe(Math.ceil(drive.stops[1]!.travelMetres / (20 / 3.6)));
    expect(walk.stops[1]!.travelSeconds).toBe(Math.ceil(walk.stops[1]!.travelMetres / (4.5 / 3.6)));
  });

  it('the dead end is entered and left the same way', async () => {
    const p = await plan(car);
    const atC = p.stops.findIndex((s) => names.get(s.site!.id) === 'C');
    const into = p.stops[atC]!.route.coordinates.map(([lon, lat]: [number, number]) => nodeOf(lon, lat));
    expect(into.at(-2)).toBe(junction(0, 4));
    const out = p.stops[atC + 1];
    if (out) {
      const leaving = out.route.coordinates.map(([lon, lat]: [number, number]) => nodeOf(lon, lat));
      expect(leaving.slice(0, 2)).toEqual([DEAD_END, junction(0, 4)]);
    }
  });

  it('the same grid as a PBF extract imports to the same graph, and plans the same', async () => {
    const before = await plan(car);
    const edges = () =>
      t
        .em()
        .execute<{ e: string }[]>(
          `select source || '>' || target || ':' || car_forward || car_backward || foot || ':' || round(length_metres::numeric, 3) as e from street_edges order by 1`,
        );
    const fromXml = await edges();
    const ways = gridWays();
    const nodes = [...new Set(ways.flatMap((w) => w.nodes))].map((id) => ({ id, lon: position(id)[0], lat: position(id)[1] }));
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-streets-')), 'grid.osm.pbf');
    writeFileSync(file, osmPbf(nodes, ways));
    const pbf = await runVigil(['import', 'streets', file], t.db.url);
    expect(pbf.code, pbf.stderr).toBe(0);
    expect(pbf.stdout).toMatch(/Read 15 ways from grid\.osm\.pbf/);
    expect(await edges()).toEqual(fromXml);
    const after = await plan(car);
    expect(after.method.description).toMatch(/grid\.osm\.pbf/);
    expect(after.stops.map((s) => [s.site!.id, s.travelMetres, s.route])).toEqual(
      before.stops.map((s) => [s.site!.id, s.travelMetres, s.route]),
    );
  });

  it('a stop far from every street falls back to the straight line, and says why', async () => {
    const em = t.em() as EntityManager;
    const far = await makeSite(em, { name: 'Off the grid', at: offset(ORIGIN, 1150, 1150), requiredVisitsPerDay: 1 });
    try {
      const p = await plan(car);
      expect(p.method.kind).toBe('STRAIGHT_LINE');
      expect(p.method.description).toMatch(/no road within 400 m/);
      const forced = await t.gql(PatrolPlanDocument, { input: { from, to, unitIds: [car], travelMethod: 'STREET_NETWORK' } }, planner);
      expect(forced.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(forced.errors?.[0]?.message).toMatch(/^input\.travelMethod: .*no road within 400 m/);
    } finally {
      await t.em().execute('delete from sites where id = ?', [far.id]);
    }
  });
});
