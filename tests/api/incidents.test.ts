import {
  CrimeCategoriesDocument,
  ImportIncidentsDocument,
  type IncidentInput,
  IncidentsDocument,
  type IncidentsQuery,
  ReportIncidentDocument,
} from '@vigil/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offset, SOUTH_END_GREEN } from '../support/factories.js';
import { type GraphQLResponse, startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let analyst: string;
beforeAll(async () => {
  t = await startTestServer();
  analyst = await t.tokenFor('ANALYST');
});
afterAll(() => t?.close());

const point = (at: [number, number]) => ({ type: 'Point', coordinates: at });
const count = async () => Number((await t.em().getConnection().execute(`select count(*) n from incidents`))[0]!.n);

/** A deterministic scatter of incidents over ~4 km around South End Green, over 60 days. */
function field(n: number, prefix: string): IncidentInput[] {
  const categories = ['vehicle-crime', 'burglary', 'anti-social-behaviour', 'public-order'];
  return Array.from({ length: n }, (_, i) => ({
    category: categories[i % categories.length]!,
    occurredAt: new Date(Date.UTC(2026, 8, 1) + ((i * 7919) % (60 * 24)) * 3600_000 + (i % 60) * 60_000).toISOString(),
    location: point(offset(SOUTH_END_GREEN, ((i * 37) % 4000) - 2000, ((i * 91) % 4000) - 2000)),
    sourceRef: `${prefix}-${i}`,
    hateCrimeFlags: i % 10 === 0 ? ['ANTISEMITIC'] : [],
  }));
}

describe('incidents', () => {
  it('a reported incident at 22:00 in November is dark; at noon it is light; a month-only one is unknown', async () => {
    const at = (iso: string, precision?: 'EXACT' | 'MONTH') =>
      t.gql(
        ReportIncidentDocument,
        { input: { category: 'vehicle-crime', occurredAt: iso, location: point(SOUTH_END_GREEN), occurredPrecision: precision } },
        analyst,
      );
    const night = await at('2026-11-10T22:00:00Z');
    const noon = await at('2026-11-10T12:00:00Z');
    const month = await at('2026-10-17T22:00:00Z', 'MONTH');
    expect(night.data?.reportIncident.darkness).toBe('DARK');
    expect(noon.data?.reportIncident.darkness).toBe('LIGHT');
    expect(month.data?.reportIncident).toMatchObject({
      darkness: 'UNKNOWN',
      occurredPrecision: 'MONTH',
      occurredAt: '2026-10-01T00:00:00.000Z',
    });
  });

  it('an unknown category or a future time is BAD_USER_INPUT naming the field', async () => {
    const bad = await t.gql(
      ReportIncidentDocument,
      { input: { category: 'car-crime', occurredAt: '2026-11-10T22:00:00Z', location: point(SOUTH_END_GREEN) } },
      analyst,
    );
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(bad.errors?.[0]?.message).toMatch(/^input\.category: unknown category "car-crime"/);
    const future = await t.gql(
      ReportIncidentDocument,
      { input: { category: 'burglary', occurredAt: '2099-01-01T00:00:00Z', location: point(SOUTH_END_GREEN) } },
      analyst,
    );
    expect(future.errors?.[0]?.message).toMatch(/^input\.occurredAt: is in the future/);
  });

  it('a bulk import is all or nothing: one bad record (with its index named) and none is added', async () => {
    const before = await count();
    const batch = field(50, 'bad');
    batch[37] = { ...batch[37]!, location: point([-0.16, 95]) };
    const result = await t.gql(ImportIncidentsDocument, { incidents: batch }, analyst);
    expect(result.errors?.[0]?.message).toMatch(/^incidents\[37\]\.location\.coordinates: latitude 95 is outside/);
    expect(await count()).toBe(before);
  });

  it('a bulk import adds every record once; sending it again adds none', async () => {
    const before = await count();
    const batch = field(1200, 'field');
    const first = await t.gql(ImportIncidentsDocument, { incidents: batch }, analyst);
    expect(first.data?.importIncidents).toMatchObject({ imported: 1200, duplicates: 0 });
    const again = await t.gql(ImportIncidentsDocument, { incidents: batch }, analyst);
    expect(again.data?.importIncidents).toMatchObject({ imported: 0, duplicates: 1200 });
    expect(await count()).toBe(before + 1200);
  });

  it('paginating with first: 100 through all pages yields every matching incident exactly once, newest first', async () => {
    const filter = { categories: ['vehicle-crime', 'burglary'] };
    const seen: string[] = [];
    const times: string[] = [];
    let after: string | null | undefined = null;
    let total = -1;
    do {
      const page: GraphQLResponse<IncidentsQuery> = await t.gql(IncidentsDocument, { filter, first: 100, after }, analyst);
      expect(page.errors).toBeUndefined();
      total = page.data!.incidents.totalCount;
      seen.push(...page.data!.incidents.nodes.map((n) => n.id));
      times.push(...page.data!.incidents.nodes.map((n) => n.occurredAt));
      after = page.data!.incidents.pageInfo.hasNextPage ? page.data!.incidents.pageInfo.endCursor : null;
    } while (after);
    const [reference] = await t
      .em()
      .getConnection()
      .execute(`select count(*) n from incidents where category in ('vehicle-crime', 'burglary')`);
    expect(total).toBe(Number(reference!.n));
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect([...times].sort().reverse()).toEqual(times);
  });

  it('bbox and within-polygon queries return exactly the incidents a reference ST_Intersects query returns', async () => {
    const [w, s] = offset(SOUTH_END_GREEN, -700, -500);
    const [e, n] = offset(SOUTH_END_GREEN, 900, 600);
    const ids = async (filter: object) => {
      const all: string[] = [];
      let after: string | null | undefined = null;
      do {
        const page: GraphQLResponse<IncidentsQuery> = await t.gql(IncidentsDocument, { filter, first: 500, after }, analyst);
        all.push(...page.data!.incidents.nodes.map((x) => x.id));
        after = page.data!.incidents.pageInfo.hasNextPage ? page.data!.incidents.pageInfo.endCursor : null;
      } while (after);
      return all.sort();
    };
    const reference = async (sql: string, params: unknown[]) =>
      (await t.em().getConnection().execute<{ id: string }[]>(`select id from incidents where ${sql} order by id`, params)).map(
        (r) => r.id,
      );

    const inBox = await ids({ bbox: { west: w, south: s, east: e, north: n } });
    expect(inBox.length).toBeGreaterThan(50);
    expect(inBox).toEqual(await reference('ST_Intersects(location, ST_MakeEnvelope(?, ?, ?, ?, 4326))', [w, s, e, n]));

    // A triangle: not a box, so a bbox-only shortcut would give a different answer.
    const triangle = {
      type: 'Polygon',
      coordinates: [
        [
          [w, s],
          [e, s],
          [w, n],
          [w, s],
        ],
      ],
    };
    const inTriangle = await ids({ within: triangle });
    expect(inTriangle.length).toBeGreaterThan(20);
    expect(inTriangle.length).toBeLessThan(inBox.length);
    expect(inTriangle).toEqual(
      await reference('ST_Intersects(location, ST_SetSRID(ST_GeomFromGeoJSON(?), 4326))', [JSON.stringify(triangle)]),
    );
  });

  it('filters by time window, darkness and hate crime', async () => {
    const hate = await t.gql(IncidentsDocument, { filter: { hateCrime: true }, first: 500 }, analyst);
    expect(hate.data!.incidents.totalCount).toBe(120);
    expect(hate.data!.incidents.nodes.every((x) => x.hateCrimeFlags.includes('ANTISEMITIC'))).toBe(true);
    const dark = await t.gql(IncidentsDocument, { filter: { darkness: 'DARK' }, first: 500 }, analyst);
    const light = await t.gql(IncidentsDocument, { filter: { darkness: 'LIGHT' }, first: 500 }, analyst);
    const all = await t.gql(IncidentsDocument, { filter: { darkness: 'ANY' }, first: 1 }, analyst);
    expect(dark.data!.incidents.totalCount).toBeGreaterThan(0);
    expect(light.data!.incidents.totalCount).toBeGreaterThan(0);
    expect(dark.data!.incidents.totalCount + light.data!.incidents.totalCount + 1).toBe(all.data!.incidents.totalCount);
    const window = await t.gql(
      IncidentsDocument,
      { filter: { from: '2026-09-10T00:00:00Z', to: '2026-09-20T00:00:00Z' }, first: 500 },
      analyst,
    );
    expect(window.data!.incidents.nodes.every((x) => x.occurredAt >= '2026-09-10' && x.occurredAt < '2026-09-20')).toBe(true);
    expect(window.data!.incidents.totalCount).toBeGreaterThan(0);
    const backwards = await t.gql(IncidentsDocument, { filter: { from: '2026-09-20T00:00:00Z', to: '2026-09-10T00:00:00Z' } }, analyst);
    expect(backwards.errors?.[0]?.message).toMatch(/^filter\.from: must be before filter\.to/);
    const tooMany = await t.gql(IncidentsDocument, { first: 501 }, analyst);
    expect(tooMany.errors?.[0]).toMatchObject({
      message: 'first: must be between 1 and 500 (got 501)',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('crimeCategories counts every category under the filter, leaving its own categories out', async () => {
    const filter = { from: '2026-09-10T00:00:00Z', to: '2026-10-10T00:00:00Z', darkness: 'DARK' as const };
    const reference = async (category: string) =>
      (await t.gql(IncidentsDocument, { filter: { ...filter, categories: [category] }, first: 1 }, analyst)).data!.incidents.totalCount;
    // Asking for one category still counts them all: the menu shows what each choice holds.
    const result = await t.gql(CrimeCategoriesDocument, { filter: { ...filter, categories: ['burglary'] } }, analyst);
    expect(result.errors).toBeUndefined();
    const counts = result.data!.crimeCategories;
    expect(counts).toHaveLength(14);
    expect(counts.find((c) => c.slug === 'vehicle-crime')?.label).toBe('Vehicle crime');
    for (const c of counts) expect(c.incidents, c.slug).toBe(await reference(c.slug));
    expect(
      counts
        .filter((c) => c.incidents > 0)
        .map((c) => c.slug)
        .sort(),
    ).toEqual(['anti-social-behaviour', 'burglary', 'public-order', 'vehicle-crime']);
    const unfiltered = (await t.gql(CrimeCategoriesDocument, {}, analyst)).data!.crimeCategories;
    const total = (await t.gql(IncidentsDocument, { first: 1 }, analyst)).data!.incidents.totalCount;
    expect(unfiltered.reduce((sum, c) => sum + c.incidents, 0)).toBe(total);
    const bad = await t.gql(CrimeCategoriesDocument, { filter: { from: '2026-10-10T00:00:00Z', to: '2026-09-10T00:00:00Z' } }, analyst);
    expect(bad.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(bad.errors?.[0]?.message).toMatch(/^filter\.from: must be before filter\.to/);
  });

  it('a device account cannot read incidents', async () => {
    const result = await t.gql(IncidentsDocument, {}, await t.tokenFor('DEVICE'));
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});
