import {
  type AppliedFilterFieldsFragment,
  CoverageDocument,
  CrimeCategoriesDocument,
  HotspotAccuracyDocument,
  HotspotsDocument,
  type IncidentFilter,
  IncidentsDocument,
  IncidentTrendDocument,
  PreviewZoneDocument,
} from '@vigil/schema';
import { PatrolZone } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offset, SOUTH_END_GREEN } from '../support/factories.js';
import { insertIncidents, type RawIncident, rng } from '../support/incidents.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * One filter behind every figure, as properties: for random filter combinations (seeded:
 * VIGIL_SEED repeats a run, and every failure prints the seed and the filter), each
 * operation's count equals `incidents(filter: …).totalCount` with the same filter — and
 * with the filter the operation echoes, sent straight back.
 */
const SEED = Number(process.env.VIGIL_SEED ?? 20261224);
const COMBINATIONS = 14;
const DAY = 86_400_000;
const now = Date.now();
const CATEGORIES = ['vehicle-crime', 'burglary', 'robbery', 'public-order', 'shoplifting'];
const FLAGS = ['ANTISEMITIC', 'ANTI_MUSLIM', 'RACIST', 'HOMOPHOBIC'] as const;
const DARKNESS = ['DARK', 'LIGHT', 'UNKNOWN'] as const;

let t: TestServer;
let analyst: string;
let planner: string;
const zones: string[] = [];

type Ring = [number, number][];
const polygon = (ring: Ring) => ({ type: 'Polygon' as const, coordinates: [[...ring, ring[0]!]] });
const square = (centre: [number, number], west: number, south: number, east: number, north: number): Ring => [
  offset(centre, west, south),
  offset(centre, east, south),
  offset(centre, east, north),
  offset(centre, west, north),
];

beforeAll(async () => {
  t = await startTestServer();
  analyst = await t.tokenFor('ANALYST');
  planner = await t.tokenFor('PLANNER');
  const em = t.em();
  // The command area: two 1 km squares sharing an edge, and a third apart.
  for (const [name, ring] of [
    ['West square', square(SOUTH_END_GREEN, -1000, -500, 0, 500)],
    ['East square', square(SOUTH_END_GREEN, 0, -500, 1000, 500)],
    ['North square', square(SOUTH_END_GREEN, -300, 900, 700, 1600)],
  ] as const) {
    const zone = em.create(PatrolZone, { name, boundary: { type: 'MultiPolygon', coordinates: [polygon([...ring]).coordinates] } });
    await em.persistAndFlush(zone);
    zones.push(zone.id);
  }
  const random = rng(SEED);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const rows: RawIncident[] = [];
  for (let k = 0; k < 3000; k++) {
    // Around and beyond the zones; every 50th exactly on the shared edge or a corner.
    const [lon, lat] =
      k % 50 === 0
        ? offset(SOUTH_END_GREEN, 0, k % 100 === 0 ? 500 : (random() - 0.5) * 1000)
        : offset(SOUTH_END_GREEN, (random() - 0.5) * 3000, (random() - 0.4) * 2600);
    const hate = random() < 0.25;
    rows.push({
      category: pick(CATEGORIES),
      occurredAt: new Date(now - 100 * DAY + random() * 95 * DAY),
      lon,
      lat,
      darkness: pick(DARKNESS),
      flags: hate ? [...new Set([pick(FLAGS), ...(random() < 0.3 ? [pick(FLAGS)] : [])])] : [],
    });
  }
  await insertIncidents(em, rows);
}, 120_000);
afterAll(() => t?.close());

type Area = 'bbox' | 'within' | 'zoneId' | 'commandArea' | 'none';

/** A random filter: some categories, hate crime, flags, darkness, a window, an area. */
function randomFilter(random: () => number, { window = true, maxDays = 60 } = {}) {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const f: IncidentFilter = {};
  if (random() < 0.5) f.categories = CATEGORIES.filter(() => random() < 0.4);
  const hate = random();
  if (hate < 0.2) f.hateCrime = true;
  else if (hate < 0.3) f.hateCrime = false;
  if (random() < 0.25) f.hateCrimeFlags = FLAGS.filter(() => random() < 0.5);
  if (random() < 0.6) f.darkness = pick(['DARK', 'LIGHT', 'UNKNOWN', 'ANY'] as const);
  if (window) {
    const to = now - random() * 20 * DAY;
    f.from = new Date(to - (1 + random() * (maxDays - 1)) * DAY).toISOString();
    f.to = new Date(to).toISOString();
  }
  const area = pick<Area>(['bbox', 'within', 'zoneId', 'commandArea', 'none']);
  return { filter: f, area };
}

/** A random convex quadrilateral within 1.5 km of the green. */
function randomPolygon(random: () => number) {
  const cx = (random() - 0.5) * 1200;
  const cy = (random() - 0.5) * 1200;
  const r = 200 + random() * 700;
  const ring: Ring = [0, 1, 2, 3].map((q) => {
    const a = ((q + random() * 0.8) * Math.PI) / 2;
    return offset(SOUTH_END_GREEN, cx + r * Math.cos(a), cy + r * Math.sin(a));
  });
  return polygon(ring);
}

function withArea(f: IncidentFilter, area: Area, random: () => number): IncidentFilter {
  if (area === 'bbox') {
    const [west, south] = offset(SOUTH_END_GREEN, -1500 + random() * 1000, -1200 + random() * 800);
    const [east, north] = offset(SOUTH_END_GREEN, 200 + random() * 1200, 200 + random() * 1200);
    return { ...f, bbox: { west, south, east, north } };
  }
  if (area === 'within') return { ...f, within: randomPolygon(random) };
  if (area === 'zoneId') return { ...f, zoneId: zones[Math.floor(random() * zones.length)]! };
  if (area === 'commandArea') return { ...f, commandArea: true };
  return f;
}

/** An echoed filter sent back as a filter: the same fields, less `area` and `description`. */
function asInput(applied: AppliedFilterFieldsFragment): IncidentFilter {
  const { area: _area, description: _description, bbox, ...rest } = applied;
  const input: IncidentFilter = {};
  for (const [key, value] of Object.entries(rest))
    if (value !== null && value !== undefined) (input as Record<string, unknown>)[key] = value;
  if (bbox) input.bbox = { west: bbox.west, south: bbox.south, east: bbox.east, north: bbox.north };
  return input;
}

async function count(filter: IncidentFilter): Promise<number> {
  const result = await t.gql(IncidentsDocument, { filter, first: 1 }, analyst);
  expect(result.errors, JSON.stringify(filter)).toBeUndefined();
  return result.data!.incidents.totalCount;
}

/** Runs `check` for each random combination, naming the seed and the combination on failure. */
async function forEachCombination(name: string, check: (random: () => number, note: (what: unknown) => string) => Promise<void>) {
  for (let k = 0; k < COMBINATIONS; k++) {
    const random = rng(SEED * 31 + k + name.length * 1009);
    await check(random, (what) => `${name} #${k} (VIGIL_SEED=${SEED}): ${JSON.stringify(what)}`);
  }
}

describe('one filter behind every figure (random filter combinations)', () => {
  it('hotspots: the map’s total is the incidents’ count in its area, for every method, shape and size', async () => {
    await forEachCombination('hotspots', async (random, note) => {
      const { filter, area } = randomFilter(random);
      const given = withArea(filter, area, random);
      const input = {
        filter: given,
        method: (['COUNT', 'KDE', 'GI_STAR'] as const)[Math.floor(random() * 3)]!,
        shape: random() < 0.5 ? ('HEXAGON' as const) : ('SQUARE' as const),
        cellSize: [80, 150, 250][Math.floor(random() * 3)]!,
      };
      const result = await t.gql(HotspotsDocument, { input }, analyst);
      expect(result.errors, note(input)).toBeUndefined();
      const map = result.data!.hotspots;
      const expected = await count(area === 'none' ? { ...given, commandArea: true } : given);
      expect(map.summary.incidentCount, note(input)).toBe(expected);
      expect(
        map.cells.reduce((a, c) => a + c.count, 0),
        note(input),
      ).toBe(expected);
      expect(new Set(map.cells.map((c) => c.id)).size, note(input)).toBe(map.cells.length);
      // The echoed filter, sent back, counts the same incidents.
      expect(await count(asInput(map.filter)), note(map.filter)).toBe(expected);
      expect(map.filter.area, note(input)).toBe(
        { bbox: 'BBOX', within: 'POLYGON', zoneId: 'ZONE', commandArea: 'COMMAND_AREA', none: 'COMMAND_AREA' }[area],
      );
    });
  });

  it('previewZone: the count in a drawn polygon is incidents(within: polygon, same filter)', async () => {
    await forEachCombination('previewZone', async (random, note) => {
      const { filter } = randomFilter(random, { maxDays: 31 });
      const boundary = randomPolygon(random);
      const result = await t.gql(PreviewZoneDocument, { boundary, filter }, planner);
      expect(result.errors, note({ filter, boundary })).toBeUndefined();
      const p = result.data!.previewZone;
      expect(p.incidents, note({ filter, boundary })).toBe(await count({ ...filter, within: boundary }));
      expect(p.incidentsInCommandArea, note({ filter })).toBe(await count({ ...filter, commandArea: true }));
      expect(await count(asInput(p.filter)), note(p.filter)).toBe(p.incidents);
      expect(await count(asInput(p.commandAreaFilter)), note(p.commandAreaFilter)).toBe(p.incidentsInCommandArea);
      expect(p.capturedIncidents).toBeLessThanOrEqual(p.incidents);
      if (p.pai !== null)
        expect(p.pai).toBeCloseTo(p.capturedIncidents / p.incidentsInCommandArea / (p.capturedSquareMetres / p.commandAreaSquareMetres), 9);
    });
  });

  it('incidentTrend: each window’s count, overall and per community, is incidents() over that window', async () => {
    await forEachCombination('incidentTrend', async (random, note) => {
      const { filter, area } = randomFilter(random, { window: false });
      const given = withArea(filter, area, random);
      const eventAt = new Date(now - (10 + random() * 70) * DAY).toISOString();
      const days = 1 + Math.floor(random() * 30);
      const result = await t.gql(IncidentTrendDocument, { eventAt, days, filter: given }, analyst);
      expect(result.errors, note({ given, eventAt, days })).toBeUndefined();
      const trend = result.data!.incidentTrend;
      const start = new Date(Date.parse(eventAt) - trend.days * DAY).toISOString();
      const end = new Date(Date.parse(eventAt) + trend.days * DAY).toISOString();
      expect(trend.before, note({ given, eventAt, days })).toBe(await count({ ...given, from: start, to: eventAt }));
      expect(trend.after, note({ given, eventAt, days })).toBe(await count({ ...given, from: eventAt, to: end }));
      expect(trend.daily.reduce((a, d) => a + d.count, 0)).toBe(trend.before + trend.after);
      for (const c of [trend, ...trend.byCommunity]) {
        expect(await count(asInput(c.beforeFilter)), note(c.beforeFilter)).toBe(c.before);
        expect(await count(asInput(c.afterFilter)), note(c.afterFilter)).toBe(c.after);
        // The upper end is null only where it is infinite: nothing before.
        expect(c.upper95 === null, note(c)).toBe(c.before === 0);
        expect(c.rateRatio === null, note(c)).toBe(c.before === 0);
        expect((c.lower95 > 1 || (c.upper95 != null && c.upper95 < 1)) === c.significant, note(c)).toBe(true);
      }
    });
  });

  it('crimeCategories: each category’s figure is incidents() with its echoed filter', async () => {
    await forEachCombination('crimeCategories', async (random, note) => {
      const { filter, area } = randomFilter(random);
      const given = withArea(filter, area, random);
      const result = await t.gql(CrimeCategoriesDocument, { filter: given }, analyst);
      expect(result.errors, note(given)).toBeUndefined();
      for (const c of result.data!.crimeCategories.filter((x) => CATEGORIES.includes(x.slug))) {
        expect(c.incidents, note({ given, category: c.slug })).toBe(await count({ ...given, categories: [c.slug] }));
        expect(await count(asInput(c.filter)), note(c.filter)).toBe(c.incidents);
      }
    });
  });

  it('hotspotAccuracy: N is the filter’s count over the test period, the training input its count before', async () => {
    await forEachCombination('hotspotAccuracy', async (random, note) => {
      const { filter, area } = randomFilter(random, { maxDays: 30 });
      const given = withArea(filter, area, random);
      const input = { filter: given, method: random() < 0.5 ? ('COUNT' as const) : ('GI_STAR' as const), cellSize: 150 };
      const result = await t.gql(HotspotAccuracyDocument, { input }, analyst);
      expect(result.errors, note(input)).toBeUndefined();
      const a = result.data!.hotspotAccuracy;
      expect(a.testIncidents, note(input)).toBe(await count(area === 'none' ? { ...given, commandArea: true } : given));
      expect(a.trainingIncidents, note(a.trainingFilter)).toBe(await count(asInput(a.trainingFilter)));
      expect(a.testIncidents).toBe(await count(asInput(a.testFilter)));
      if (a.pei !== null) expect(a.pei).toBeLessThanOrEqual(1);
    });
  });

  it('coverage: the dosed hot-spot cells are the hot cells of hotspots(filter: its hotspotFilter)', async () => {
    await forEachCombination('coverage', async (random, note) => {
      const { filter } = randomFilter(random, { window: false });
      const to = new Date(now - random() * 20 * DAY);
      const from = new Date(to.getTime() - (1 + random() * 20) * DAY);
      const input = { from: from.toISOString(), to: to.toISOString(), ...(random() < 0.5 ? { zoneId: zones[0] } : {}), incidents: filter };
      const result = await t.gql(CoverageDocument, { input }, analyst);
      expect(result.errors, note(input)).toBeUndefined();
      const report = result.data!.coverage;
      const map = await t.gql(
        HotspotsDocument,
        { input: { filter: asInput(report.hotspotFilter), cellSize: 250, method: 'GI_STAR' } },
        analyst,
      );
      const hot = map.data!.hotspots.cells.filter((c) => c.confidence === 'HOT_99' || c.confidence === 'HOT_95').map((c) => c.id);
      expect(report.hotspotCells.map((c) => c.cell.id).sort(), note(input)).toEqual(hot.sort());
      expect(report.hotspotFilter.to).toBe(input.from);
    });
  });

  it('an operation that sets its own window or area refuses one in the filter, naming the field', async () => {
    const window = { from: new Date(now - 5 * DAY).toISOString(), to: new Date(now).toISOString() };
    const trend = await t.gql(IncidentTrendDocument, { eventAt: new Date(now - 10 * DAY).toISOString(), days: 3, filter: window }, analyst);
    expect(trend.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'filter.from' } });
    const preview = await t.gql(PreviewZoneDocument, { boundary: randomPolygon(rng(1)), filter: { ...window, zoneId: zones[0] } }, planner);
    expect(preview.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'filter.zoneId' } });
    const long = await t.gql(
      PreviewZoneDocument,
      { boundary: randomPolygon(rng(1)), filter: { from: new Date(now - 40 * DAY).toISOString(), to: window.to } },
      planner,
    );
    expect(long.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'filter.to' } });
    const noWindow = await t.gql(HotspotsDocument, { input: { filter: {} } }, analyst);
    expect(noWindow.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.filter.from' } });
    const two = await t.gql(IncidentsDocument, { filter: { zoneId: zones[0], commandArea: true } }, analyst);
    expect(two.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'filter' } });
  });
});
