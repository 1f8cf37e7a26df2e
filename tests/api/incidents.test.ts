import {
  CrimeCategoriesDocument,
  ImportIncidentsDocument,
  type IncidentInput,
  IncidentsDocument,
  type IncidentsQuery,
  ReportIncidentDocument,
} from '@vigil/schema';
import { DarknessFilter, FilterArea, type FilterValues, incidentNodesSql, incidentPageSql, query, sql } from '@vigil/server';
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

describe('the incident list in a box', () => {
  /** The ids of a filter's incidents, all pages of `first`, in the order listed. */
  const listed = async (filter: object, first = 500) => {
    const all: { id: string; occurredAt: string }[] = [];
    let after: string | null | undefined = null;
    let pages = 0;
    do {
      const page: GraphQLResponse<IncidentsQuery> = await t.gql(IncidentsDocument, { filter, first, after }, analyst);
      expect(page.errors).toBeUndefined();
      all.push(...page.data!.incidents.nodes.map((x) => ({ id: x.id, occurredAt: x.occurredAt })));
      after = page.data!.incidents.pageInfo.hasNextPage ? page.data!.incidents.pageInfo.endCursor : null;
      pages++;
    } while (after && pages < 50);
    return all;
  };
  /** Stores incidents at [lon, lat] (and times) straight in the table, as an import would. */
  const store = async (points: { at: [number, number]; occurredAt?: string; ref: string }[]) =>
    query(
      t.em(),
      sql`insert into incidents (id, category, occurred_at, location, source, source_ref)
          select gen_random_uuid(), 'burglary', coalesce(p.t, '2026-03-01T12:00:00Z'), ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), 'test', p.ref
          from jsonb_to_recordset(${JSON.stringify(points.map((p) => ({ lon: p.at[0], lat: p.at[1], t: p.occurredAt ?? null, ref: p.ref })))}::jsonb)
               as p(lon float8, lat float8, t timestamptz, ref text)`,
    );
  const boxAround = (centre: [number, number], halfMetres: number) => {
    const [west, south] = offset(centre, -halfMetres, -halfMetres);
    const [east, north] = offset(centre, halfMetres, halfMetres);
    return { west, south, east, north };
  };

  it('counts the incidents on its edges and corners in, and those a hair outside out, exactly as ST_Intersects does', async () => {
    const box = boxAround(offset(SOUTH_END_GREEN, 9000, 9000), 300);
    const { west: w, south: s, east: e, north: n } = box;
    const midX = (w + e) / 2;
    const midY = (s + n) / 2;
    // 1e-12 degrees is a few hundred units in the last place at London's coordinates: distinct doubles.
    const hair = 1e-12;
    const points: [number, number][] = [
      [w, s],
      [e, s],
      [w, n],
      [e, n], // corners
      [w, midY],
      [e, midY],
      [midX, s],
      [midX, n], // edges
      [midX, midY], // inside
      [w - hair, midY],
      [e + hair, midY],
      [midX, s - hair],
      [midX, n + hair],
      [e + hair, n + hair], // just outside
      [w + hair, s + hair], // just inside a corner
    ];
    await store(points.map((at, k) => ({ at, ref: `edge-${k}` })));
    const [reference] = await query<{ ids: string[] | null }>(
      t.em(),
      sql`select array_agg(id::text order by id) as ids from incidents where ST_Intersects(location, ST_MakeEnvelope(${w}, ${s}, ${e}, ${n}, 4326))`,
    );
    expect(reference!.ids).toHaveLength(10);
    const ids = (await listed({ bbox: box })).map((x) => x.id).sort();
    expect(ids).toEqual(reference!.ids);
    const page = await t.gql(IncidentsDocument, { filter: { bbox: box }, first: 1 }, analyst);
    expect(page.data!.incidents).toMatchObject({ totalCount: 10, totalCountIsExact: true });
    // The category menu counts the same incidents as the list.
    const categories = (await t.gql(CrimeCategoriesDocument, { filter: { bbox: box } }, analyst)).data!.crimeCategories;
    expect(categories.reduce((sum, c) => sum + c.incidents, 0)).toBe(10);
  });

  it('pages through incidents stored in the same millisecond without skipping one (the cursor keeps microseconds)', async () => {
    const at = offset(SOUTH_END_GREEN, -9000, 9000);
    const box = boxAround(at, 100);
    const times = ['2026-03-01T10:00:00.123900Z', '2026-03-01T10:00:00.123400Z', '2026-03-01T10:00:00.123100Z', '2026-03-01T10:00:00.122Z'];
    await store(times.map((occurredAt, k) => ({ at, occurredAt, ref: `same-ms-${k}` })));
    const one = await listed({ bbox: box }, 1);
    expect(one).toHaveLength(4);
    expect(new Set(one.map((x) => x.id)).size).toBe(4);
    expect(one.map((x) => x.occurredAt)).toEqual([
      '2026-03-01T10:00:00.123Z',
      '2026-03-01T10:00:00.123Z',
      '2026-03-01T10:00:00.123Z',
      '2026-03-01T10:00:00.122Z',
    ]);
    expect(one.map((x) => x.id)).toEqual((await listed({ bbox: box }, 500)).map((x) => x.id));
  });

  it('counts up to 5,000 and then says "at least", while paging on past them', async () => {
    const centre = offset(SOUTH_END_GREEN, 9000, -9000);
    const box = boxAround(centre, 400);
    // 5,100 incidents on a 60 × 85 grid inside the box, a minute apart.
    await query(
      t.em(),
      sql`insert into incidents (id, category, occurred_at, location, source, source_ref)
          select gen_random_uuid(), 'vehicle-crime', '2026-04-01T00:00:00Z'::timestamptz + k * interval '1 minute',
                 ST_SetSRID(ST_MakePoint(${box.west}::float8 + (k % 60 + 0.5) * (${box.east}::float8 - ${box.west}::float8) / 60,
                                         ${box.south}::float8 + (k / 60 + 0.5) * (${box.north}::float8 - ${box.south}::float8) / 85), 4326),
                 'test', 'bound-' || k
          from generate_series(0, 5099) k`,
    );
    const page = await t.gql(IncidentsDocument, { filter: { bbox: box }, first: 500 }, analyst);
    expect(page.errors).toBeUndefined();
    expect(page.data!.incidents).toMatchObject({ totalCount: 5000, totalCountIsExact: false, pageInfo: { hasNextPage: true } });
    expect(page.data!.incidents.nodes).toHaveLength(500);
    expect(page.data!.incidents.nodes[0]!.occurredAt).toBe('2026-04-04T12:59:00.000Z');
    // Past the bound the list still holds every one of them.
    expect(await listed({ bbox: box })).toHaveLength(5100);
    // Exactly 5,000 is still exact: the bound counts one more than it shows.
    const exactly = await t.gql(IncidentsDocument, { filter: { bbox: box, from: '2026-04-01T01:40:00Z' }, first: 1 }, analyst);
    expect(exactly.data!.incidents).toMatchObject({ totalCount: 5000, totalCountIsExact: true });
    const fewer = await t.gql(IncidentsDocument, { filter: { bbox: box, from: '2026-04-04T12:00:00Z' }, first: 1 }, analyst);
    expect(fewer.data!.incidents).toMatchObject({ totalCount: 60, totalCountIsExact: true });
  });

  it('answers a box from incidents_point_idx without reading a row per incident', async () => {
    const box = boxAround(offset(SOUTH_END_GREEN, 9000, -9000), 400);
    const filter: FilterValues = {
      categories: null,
      hateCrime: null,
      hateCrimeFlags: null,
      darkness: DarknessFilter.ANY,
      from: null,
      to: null,
      area: FilterArea.BBOX,
      bbox: box,
      within: null,
      zoneId: null,
      commandArea: null,
      zoneName: null,
    };
    // Whether the index holds all the statement needs: the planner offers an index-only
    // scan only then. (Bitmap and sequential scans are switched off for the question: on a
    // table this small they can cost the same, and how many heap pages an index-only scan
    // skips depends on the visibility map, which a standby's snapshot can hold back.)
    // Both statements of a page: its rows for graphql-js, and its nodes as the answer's JSON (the dashboard's).
    for (const statement of [
      incidentPageSql(filter, 500, null),
      incidentNodesSql(filter, 500, null, [
        { key: 'id', field: 'id' },
        { key: 'category', field: 'category' },
      ]),
    ]) {
      const plan = await t.em().transactional(async (tx) => {
        await query(tx as never, sql`select set_config('enable_bitmapscan', 'off', true), set_config('enable_seqscan', 'off', true)`);
        const [row] = await query<{ 'QUERY PLAN': { Plan: Record<string, unknown> }[] }>(
          tx as never,
          sql`explain (format json) ${statement}`,
        );
        return row!['QUERY PLAN'][0]!.Plan;
      });
      const scans: { 'Node Type': string; 'Index Name'?: string; 'Relation Name'?: string }[] = [];
      const walk = (node: Record<string, unknown>) => {
        scans.push(node as never);
        for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
      };
      walk(plan);
      // The count and the page each come from the index alone; only the page's rows are then read, by id.
      expect(scans.filter((n) => n['Relation Name'] === 'incidents').map((n) => [n['Node Type'], n['Index Name']])).toEqual([
        ['Index Only Scan', 'incidents_point_idx'],
        ['Index Only Scan', 'incidents_point_idx'],
        ['Index Scan', 'incidents_pkey'],
      ]);
    }
  });
});
