import type { EntityManager } from '@mikro-orm/postgresql';
import {
  AuditEventsDocument,
  DashboardIncidentPointsDocument,
  DashboardIncidentsDocument,
  ImportIncidentsDocument,
  type IncidentInput,
  PlaceSearchDocument,
} from '@vigil/schema';
import { GAZETTEER } from '@vigil/server/places';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedWards } from '../support/dashboard-fixtures.js';
import { makeSite, offset, SOUTH_END_GREEN } from '../support/factories.js';
import { rng } from '../support/incidents.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let analyst: string;
const DAY = 86_400_000;
const now = Date.now();
const FROM = new Date(now - 90 * DAY).toISOString();
const TO = new Date(now).toISOString();

const STREETS = ['Fleet Road', 'South End Road', 'Pond Street', 'Agincourt Road', 'Holloway Road'];
const CATEGORIES = ['vehicle-crime', 'burglary', 'anti-social-behaviour', 'public-order', 'shoplifting'];

/** Incidents as an analyst imports them: police.uk labels, some hate crime, some month-only, some outside the wards. */
function incidents(n: number): IncidentInput[] {
  const random = rng(42);
  return Array.from({ length: n }, (_, i) => {
    const outside = i % 17 === 0; // 20 km west of the command area
    const at = outside ? offset(SOUTH_END_GREEN, -20_000, 0) : offset(SOUTH_END_GREEN, (random() - 0.5) * 4000, (random() - 0.5) * 3000);
    return {
      category: CATEGORIES[i % CATEGORIES.length]!,
      occurredAt: new Date(now - (1 + random() * 40) * DAY).toISOString(),
      occurredPrecision: i % 11 === 0 ? 'MONTH' : 'EXACT',
      location: { type: 'Point', coordinates: at },
      locationName: i % 7 === 0 ? null : `On or near ${STREETS[i % STREETS.length]}`,
      hateCrimeFlags: i % 9 === 0 ? ['ANTISEMITIC'] : [],
      sourceRef: `map-${i}`,
    };
  });
}

beforeAll(async () => {
  t = await startTestServer();
  await seedWards(t.em() as EntityManager);
  analyst = await t.tokenFor('ANALYST');
  const r = await t.gql(ImportIncidentsDocument, { incidents: incidents(900) }, analyst);
  expect(r.errors).toBeUndefined();
});
afterAll(() => t?.close());

/** The columns back into rows, as the dashboard reads them. */
function decode(p: {
  count: number;
  longitudes: string;
  latitudes: string;
  occurredAt: string;
  categoryIndex: string;
  categories: string[];
  flags: string;
  locationIndex: string;
  locationNames: string[];
}) {
  const view = (b64: string) => {
    const bytes = Buffer.from(b64, 'base64');
    return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  };
  const [lon, lat, at, cat, flags, loc] = [p.longitudes, p.latitudes, p.occurredAt, p.categoryIndex, p.flags, p.locationIndex].map(view);
  return Array.from({ length: p.count }, (_, k) => ({
    lon: lon!.getFloat32(4 * k),
    lat: lat!.getFloat32(4 * k),
    at: at!.getInt32(4 * k) * 1000,
    category: p.categories[cat!.getUint8(k)],
    darkness: ['UNKNOWN', 'DARK', 'LIGHT'][flags!.getUint8(k) & 0b11],
    month: (flags!.getUint8(k) & 0b100) !== 0,
    hate: (flags!.getUint8(k) & 0b1000) !== 0,
    location: loc!.getInt32(4 * k) === 0 ? null : p.locationNames[loc!.getInt32(4 * k) - 1],
  }));
}

describe('incident points for the map', () => {
  it('carry exactly the incidents the list gives for the same filter inside the command area, attribute for attribute', async () => {
    const filters = [{}, { categories: ['vehicle-crime', 'burglary'] }, { hateCrime: true }, { darkness: 'UNKNOWN' as const }];
    for (const extra of filters) {
      const filter = { from: FROM, to: TO, ...extra };
      const points = await t.gql(DashboardIncidentPointsDocument, { filter }, analyst);
      expect(points.errors).toBeUndefined();
      const p = points.data!.incidentPoints;
      const rows = decode(p);
      // The list, over the union of the wards (the command area), page by page.
      const [area] = await t.em().getConnection().execute<{ g: string }[]>(`select ST_AsGeoJSON(ST_Union(boundary)) g from patrol_zones`);
      const listed: {
        longitude: number;
        latitude: number;
        occurredAt: string;
        occurredPrecision: string;
        darkness: string;
        category: string;
        hateCrimeFlags: string[];
        locationName?: string | null;
      }[] = [];
      let after: string | null | undefined;
      do {
        const page = await t.gql(
          DashboardIncidentsDocument,
          { filter: { ...filter, within: JSON.parse(area!.g) }, first: 500, after },
          analyst,
        );
        expect(page.errors).toBeUndefined();
        listed.push(...page.data!.incidents.nodes);
        after = page.data!.incidents.pageInfo.hasNextPage ? page.data!.incidents.pageInfo.endCursor : null;
      } while (after);
      expect(p.count).toBe(listed.length);
      expect(p.totalCount).toBe(listed.length);
      expect(p.count).toBeGreaterThan(0);
      const key = (r: {
        lon: number;
        lat: number;
        at: number;
        category?: string;
        darkness?: string;
        month: boolean;
        hate: boolean;
        location?: string | null;
      }) => `${r.lon.toFixed(5)} ${r.lat.toFixed(5)} ${r.at} ${r.category} ${r.darkness} ${r.month} ${r.hate} ${r.location}`;
      const fromList = listed.map((i) =>
        key({
          lon: Math.fround(i.longitude),
          lat: Math.fround(i.latitude),
          at: Math.floor(Date.parse(i.occurredAt) / 1000) * 1000,
          category: i.category,
          darkness: i.darkness,
          month: i.occurredPrecision === 'MONTH',
          hate: i.hateCrimeFlags.length > 0,
          location: i.locationName ?? null,
        }),
      );
      expect(rows.map(key).sort()).toEqual(fromList.sort());
      // Newest first.
      for (let k = 1; k < rows.length; k++) expect(rows[k]!.at).toBeLessThanOrEqual(rows[k - 1]!.at);
    }
  });

  it('keep the newest `limit` and say how many there are in all', async () => {
    const all = (await t.gql(DashboardIncidentPointsDocument, { filter: { from: FROM, to: TO } }, analyst)).data!.incidentPoints;
    const some = (await t.gql(DashboardIncidentPointsDocument, { filter: { from: FROM, to: TO }, limit: 100 }, analyst)).data!
      .incidentPoints;
    expect(some.count).toBe(100);
    expect(some.totalCount).toBe(all.count);
    expect(decode(some).map((r) => r.at)).toEqual(
      decode(all)
        .slice(0, 100)
        .map((r) => r.at),
    );
  });

  it('refuse a missing window and a limit out of range with the field named', async () => {
    const noWindow = await t.gql(DashboardIncidentPointsDocument, { filter: { from: FROM } }, analyst);
    expect(noWindow.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(noWindow.errors?.[0]?.message).toMatch(/filter\.to/);
    const tooMany = await t.gql(DashboardIncidentPointsDocument, { filter: { from: FROM, to: TO }, limit: 1_000_000 }, analyst);
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.errors?.[0]?.message).toMatch(/limit/);
    const anonymous = await t.gql(DashboardIncidentPointsDocument, { filter: { from: FROM, to: TO } });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('place search', () => {
  it('finds a named place, a ward, a street from the police.uk labels and a site, best match first', async () => {
    const search = async (text: string) => {
      const r = await t.gql(PlaceSearchDocument, { search: text }, analyst);
      expect(r.errors).toBeUndefined();
      return r.data!.places;
    };
    const green = await search('South End Green');
    expect(green[0]).toMatchObject({ kind: 'PLACE', name: 'South End Green' });
    expect(green[0]!.latitude).toBeCloseTo(SOUTH_END_GREEN[1], 3);
    // Part of a word, any case; the street of 180 imported incidents.
    const south = await search('south end');
    expect(south.map((p) => `${p.kind} ${p.name}`)).toEqual(expect.arrayContaining(['PLACE South End Green', 'STREET South End Road']));
    const road = south.find((p) => p.name === 'South End Road')!;
    expect(road.detail).toMatch(/^Street \(police\.uk location\), \d+ incidents$/);
    const [street] = await t
      .em()
      .getConnection()
      .execute<{ n: number }[]>(`select count(*)::int n from incidents where location_name = 'On or near South End Road'`);
    expect(road.detail).toContain(`${street!.n} incidents`);
    // Wards come with their extent; "st peters" finds "St. Peter's".
    const ward = (await search('st peters'))[0]!;
    expect(ward).toMatchObject({ kind: 'WARD', name: "St. Peter's", detail: 'Ward, Islington' });
    expect(ward.bbox!.west).toBeLessThan(ward.longitude);
    expect(ward.bbox!.east).toBeGreaterThan(ward.longitude);

    const site = await makeSite(t.em() as EntityManager, { name: 'Fleet Road Synagogue', at: offset(SOUTH_END_GREEN, 100, 0) });
    const fleet = await search('fleet');
    expect(fleet.map((p) => `${p.kind} ${p.name}`)).toEqual(expect.arrayContaining(['SITE Fleet Road Synagogue', 'STREET Fleet Road']));
    // A site found by name is a read of its location: audited like the sites query.
    const supt = await t.tokenFor('SUPERINTENDENT');
    const audit = await t.gql(AuditEventsDocument, { filter: { operation: 'places' } }, supt);
    expect(audit.data?.auditEvents.nodes.some((e) => e.targetIds.includes(site.id))).toBe(true);
  });

  it('places every name of the gazetteer inside the command area', async () => {
    const [found] = await t
      .em()
      .getConnection()
      .execute<{ outside: string[] | null }[]>(
        `select array_agg(p.name) filter (where not ST_Intersects(ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326), a.g)) as outside
       from jsonb_to_recordset(?::jsonb) p(name text, lon float8, lat float8), (select ST_Union(boundary) g from patrol_zones) a`,
        [JSON.stringify(GAZETTEER.map((g) => ({ name: g.name, lon: g.at[0], lat: g.at[1] })))],
      );
    expect(found!.outside).toBeNull();
  });

  it('refuses a search of one character', async () => {
    const r = await t.gql(PlaceSearchDocument, { search: 's' }, analyst);
    expect(r.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(r.errors?.[0]?.message).toMatch(/search/);
  });
});
