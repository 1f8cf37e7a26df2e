import {
  ArchiveSiteDocument,
  CreateSiteDocument,
  type CreateSiteInput,
  SiteDetailDocument,
  SitesDocument,
  UpdateSiteDocument,
} from '@vigil/schema';
import { storePositions } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUnit, offset, SOUTH_END_GREEN, stay } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let planner: string;
let analyst: string;
beforeAll(async () => {
  t = await startTestServer();
  planner = await t.tokenFor('PLANNER');
  analyst = await t.tokenFor('ANALYST');
});
afterAll(() => t?.close());

const point = (at: [number, number]) => ({ type: 'Point', coordinates: at });
const siteInput = (over: Partial<CreateSiteInput> = {}): CreateSiteInput => ({
  name: 'Fleet Road synagogue (demo)',
  kind: 'SYNAGOGUE',
  location: point(SOUTH_END_GREEN),
  riskLevel: 'HIGH',
  requiredVisitsPerDay: 2,
  community: 'Jewish',
  ...over,
});
const count = async (table: string) => Number((await t.em().getConnection().execute(`select count(*) n from ${table}`))[0]!.n);

describe('sites: the patrol list', () => {
  it('a planner adds a site and reads it back with its location as GeoJSON and lat/lon', async () => {
    const created = await t.gql(CreateSiteDocument, { input: siteInput() }, planner);
    expect(created.errors).toBeUndefined();
    const site = created.data!.createSite;
    expect(site).toMatchObject({ name: 'Fleet Road synagogue (demo)', kind: 'SYNAGOGUE', riskLevel: 'HIGH', requiredVisitsPerDay: 2 });
    expect(site.location).toEqual(point(SOUTH_END_GREEN));
    expect([site.longitude, site.latitude]).toEqual(SOUTH_END_GREEN);
  });

  it('an analyst may read sites but not add one (FORBIDDEN), and nothing is written', async () => {
    const before = await count('sites');
    const result = await t.gql(CreateSiteDocument, { input: siteInput({ name: 'Not allowed' }) }, analyst);
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await count('sites')).toBe(before);
    const list = await t.gql(SitesDocument, {}, analyst);
    expect(list.data?.sites.totalCount).toBe(before);
  });

  it('bad locations are BAD_USER_INPUT naming the field, and nothing is written', async () => {
    const before = await count('sites');
    const cases: [unknown, RegExp][] = [
      [point([-0.16, 91]), /input\.location\.coordinates: latitude 91 is outside -90\.\.90/],
      [point([200, 51.5]), /longitude 200 is outside/],
      [{ type: 'Polygon', coordinates: [] }, /input\.location: must be a GeoJSON Point \(got Polygon\)/],
      [{ type: 'Point', coordinates: ['a', 'b'] }, /finite numbers/],
      ['{"type":"Point"', /GeoJSON: not valid JSON/],
    ];
    for (const [location, message] of cases) {
      const result = await t.gql(CreateSiteDocument, { input: siteInput({ location: location as never }) }, planner);
      expect(result.errors?.[0]?.extensions?.code, String(message)).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(message);
    }
    const tooLong = await t.gql(CreateSiteDocument, { input: siteInput({ name: 'x'.repeat(201) }) }, planner);
    expect(tooLong.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(tooLong.errors?.[0]?.message).toMatch(/^input\.name: .*200 characters/);
    const tooMany = await t.gql(CreateSiteDocument, { input: siteInput({ requiredVisitsPerDay: 49 }) }, planner);
    expect(tooMany.errors?.[0]?.message).toMatch(/^input\.requiredVisitsPerDay: /);
    expect(await count('sites')).toBe(before);
  });

  it('a planner updates a site: moved location and new risk are stored', async () => {
    const { data } = await t.gql(
      CreateSiteDocument,
      { input: siteInput({ name: 'Shop (demo)', kind: 'BUSINESS', riskLevel: 'MEDIUM', requiredVisitsPerDay: 1 }) },
      planner,
    );
    const moved = offset(SOUTH_END_GREEN, 120, 40);
    const updated = await t.gql(
      UpdateSiteDocument,
      { id: data!.createSite.id, input: { location: point(moved), riskLevel: 'CRITICAL' } },
      planner,
    );
    expect(updated.data?.updateSite).toMatchObject({
      id: data!.createSite.id,
      riskLevel: 'CRITICAL',
      name: 'Shop (demo)',
      location: point(moved),
    });
  });

  it('archiving takes a site off the list but keeps it readable by id', async () => {
    const { data } = await t.gql(
      CreateSiteDocument,
      { input: siteInput({ name: 'Closed centre (demo)', kind: 'COMMUNITY_CENTRE' }) },
      planner,
    );
    const id = data!.createSite.id;
    const archived = await t.gql(ArchiveSiteDocument, { id }, planner);
    expect(archived.data?.archiveSite.archivedAt).toBeTruthy();
    const list = await t.gql(SitesDocument, { first: 500 }, planner);
    expect(list.data?.sites.nodes.map((s) => s.id)).not.toContain(id);
    const withArchived = await t.gql(SitesDocument, { filter: { includeArchived: true }, first: 500 }, planner);
    expect(withArchived.data?.sites.nodes.map((s) => s.id)).toContain(id);
  });

  it('filters by kind, minimum risk, bbox and drawn polygon', async () => {
    const far = offset(SOUTH_END_GREEN, 3000, 0);
    await t.gql(
      CreateSiteDocument,
      { input: siteInput({ name: 'Far mosque (demo)', kind: 'MOSQUE', location: point(far), riskLevel: 'LOW', requiredVisitsPerDay: 1 }) },
      planner,
    );
    const mosques = await t.gql(SitesDocument, { filter: { kinds: ['MOSQUE'] } }, planner);
    expect(mosques.data?.sites.nodes.map((s) => s.name)).toEqual(['Far mosque (demo)']);
    const high = await t.gql(SitesDocument, { filter: { minRisk: 'HIGH' }, first: 500 }, planner);
    expect(high.data?.sites.nodes.every((s) => s.riskLevel === 'HIGH' || s.riskLevel === 'CRITICAL')).toBe(true);
    expect(high.data?.sites.nodes.map((s) => s.name)).not.toContain('Far mosque (demo)');
    const [w, s] = offset(far, -100, -100);
    const [e, n] = offset(far, 100, 100);
    const inBox = await t.gql(SitesDocument, { filter: { bbox: { west: w, south: s, east: e, north: n } } }, planner);
    expect(inBox.data?.sites.nodes.map((x) => x.name)).toEqual(['Far mosque (demo)']);
    const polygon = {
      type: 'Polygon',
      coordinates: [
        [
          [w, s],
          [e, s],
          [e, n],
          [w, n],
          [w, s],
        ],
      ],
    };
    const within = await t.gql(SitesDocument, { filter: { within: polygon } }, planner);
    expect(within.data?.sites.nodes.map((x) => x.name)).toEqual(['Far mosque (demo)']);
    const badBox = await t.gql(SitesDocument, { filter: { bbox: { west: e, south: s, east: w, north: n } } }, planner);
    expect(badBox.errors?.[0]?.message).toMatch(/^filter\.bbox: west .* must be less than east/);
  });

  it('a site read with visits shows each visit and its coverage status', async () => {
    const { data } = await t.gql(CreateSiteDocument, { input: siteInput({ name: 'Visited synagogue (demo)' }) }, planner);
    const site = data!.createSite;
    const unit = await makeUnit(t.em());
    const start = new Date(Date.now() - 3 * 3600_000);
    await storePositions(t.em(), unit.id, stay(SOUTH_END_GREEN, start, 12), { radiusMetres: 50, gapSeconds: 120 });
    const detail = await t.gql(SiteDetailDocument, { id: site.id }, await t.tokenFor('SUPERINTENDENT'));
    expect(detail.errors).toBeUndefined();
    const visits = detail.data!.site.visits.filter((v) => v.unit.id === unit.id);
    expect(visits).toHaveLength(1);
    expect(visits[0]!.dwellMinutes).toBeCloseTo(12, 5);
    expect(visits[0]!.koperCompliant).toBe(true);
    // One visit of two required per day, three hours ago: due, not overdue (overdue after 12 h).
    expect(detail.data!.site.coverage).toMatchObject({ state: 'DUE', requiredPerDay: 2, overdue: false });
    expect(detail.data!.site.coverage.visitsLast24h).toBeGreaterThanOrEqual(1);
  });

  it('every read of the site list is audited with the ids returned', async () => {
    const list = await t.gql(SitesDocument, { first: 2 }, analyst);
    const ids = list.data!.sites.nodes.map((s) => s.id);
    const [row] = await t
      .em()
      .getConnection()
      .execute(`select operation, actor_role, target_ids, outcome from audit_events where operation = 'sites' order by id desc limit 1`);
    expect(row).toMatchObject({ operation: 'sites', actor_role: 'ANALYST', target_ids: ids, outcome: 'SUCCESS' });
  });
});
