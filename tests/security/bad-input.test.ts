import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUnit, SOUTH_END_GREEN } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let tokens: Record<'ANALYST' | 'PLANNER', string>;
let unitId: string;
beforeAll(async () => {
  t = await startTestServer();
  tokens = { ANALYST: await t.tokenFor('ANALYST'), PLANNER: await t.tokenFor('PLANNER') };
  unitId = (await makeUnit(t.em())).id;
});
afterAll(() => t?.close());

interface Case {
  name: string;
  body: unknown;
  as?: 'ANALYST' | 'PLANNER' | 'NONE' | { token: string };
  /** extensions.code of the first error. */
  code: string;
  /** Optional check of the message: what was wrong and where. */
  message?: RegExp;
}

const p = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] });
const [lon, lat] = SOUTH_END_GREEN;
const createSite = 'mutation ($input: CreateSiteInput!) { createSite(input: $input) { id } }';
const createZone = 'mutation ($input: CreateZoneInput!) { createZone(input: $input) { id } }';
const report = 'mutation ($input: IncidentInput!) { reportIncident(input: $input) { id } }';
const site = (over: object) => ({
  query: createSite,
  variables: { input: { name: 'Site', kind: 'SYNAGOGUE', location: p(lon, lat), riskLevel: 'HIGH', requiredVisitsPerDay: 2, ...over } },
});
const zone = (boundary: unknown) => ({ query: createZone, variables: { input: { name: 'Zone', boundary } } });
const incident = (over: object) => ({
  query: report,
  variables: { input: { category: 'burglary', occurredAt: '2026-11-01T20:00:00Z', location: p(lon, lat), ...over } },
});
const square = [
  [
    [-0.17, 51.55],
    [-0.16, 51.55],
    [-0.16, 51.56],
    [-0.17, 51.56],
    [-0.17, 51.55],
  ],
];
const bigRing = (() => {
  // Whole-degree vertices keep the request under the 2 MB body limit, so the vertex cap is what refuses it.
  const ring = Array.from({ length: 200_000 }, (_, k) => [(k % 360) - 180, (Math.floor(k / 360) % 180) - 90]);
  ring.push(ring[0]!);
  return [ring];
})();
/** Twenty levels: visit → site → lastVisit → unit … repeated. */
const depth20 = `{ sites { nodes { ${'lastVisit { site { '.repeat(9)}id${' } }'.repeat(9)} } } }`;

async function forged(kind: 'expired' | 'wrong-key' | 'none' | 'wrong-issuer' | 'garbage'): Promise<string> {
  const key = new TextEncoder().encode(t.config.jwtSecret);
  const claims = { role: 'SUPERINTENDENT', ver: 0 };
  const [user] = await t.em().execute<{ id: string }[]>(`select id from users where role = 'SUPERINTENDENT' limit 1`);
  switch (kind) {
    case 'expired':
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user!.id)
        .setIssuer('vigil')
        .setIssuedAt(1_700_000_000)
        .setExpirationTime(1_700_000_100)
        .sign(key);
    case 'wrong-key':
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user!.id)
        .setIssuer('vigil')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode('not-the-server-secret-not-the-server-secret'));
    case 'wrong-issuer':
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(user!.id)
        .setIssuer('someone-else')
        .setExpirationTime('1h')
        .sign(key);
    case 'none': {
      const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ ...claims, sub: user!.id, iss: 'vigil', exp: Math.floor(Date.now() / 1000) + 3600 })}.`;
    }
    case 'garbage':
      return 'eyJhbGciOiJIUzI1NiJ9.not-base64.@@@';
  }
}

const cases = (): Case[] => [
  // Geometry
  {
    name: 'malformed GeoJSON text',
    body: site({ location: '{"type":"Point","coordinates":[' }),
    code: 'BAD_USER_INPUT',
    message: /GeoJSON: not valid JSON/,
  },
  {
    name: 'unknown geometry type',
    body: site({ location: { type: 'Circle', coordinates: [0, 0] } }),
    code: 'BAD_USER_INPUT',
    message: /"type" must be one of/,
  },
  {
    name: 'coordinates not an array',
    body: site({ location: { type: 'Point', coordinates: 'here' } }),
    code: 'BAD_USER_INPUT',
    message: /"coordinates" must be an array/,
  },
  {
    name: 'latitude 91',
    body: site({ location: p(lon, 91) }),
    code: 'BAD_USER_INPUT',
    message: /input\.location\.coordinates: latitude 91 is outside -90\.\.90/,
  },
  { name: 'longitude -181', body: site({ location: p(-181, lat) }), code: 'BAD_USER_INPUT', message: /longitude -181 is outside/ },
  {
    name: 'one coordinate',
    body: site({ location: { type: 'Point', coordinates: [lon] } }),
    code: 'BAD_USER_INPUT',
    message: /\[longitude, latitude\]/,
  },
  {
    name: 'coordinates as strings',
    body: site({ location: { type: 'Point', coordinates: ['0', '0'] } }),
    code: 'BAD_USER_INPUT',
    message: /finite numbers/,
  },
  {
    name: 'a polygon where a point belongs',
    body: site({ location: { type: 'Polygon', coordinates: square } }),
    code: 'BAD_USER_INPUT',
    message: /must be a GeoJSON Point \(got Polygon\)/,
  },
  {
    name: 'a crs member (not WGS84)',
    body: site({ location: { ...p(lon, lat), crs: { type: 'name', properties: { name: 'EPSG:27700' } } } }),
    code: 'BAD_USER_INPUT',
    message: /must be in WGS84/,
  },
  {
    name: 'self-intersecting polygon',
    body: zone({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 1],
          [1, 0],
          [0, 1],
          [0, 0],
        ],
      ],
    }),
    code: 'BAD_USER_INPUT',
    message: /Self-intersection/,
  },
  {
    name: 'ring not closed',
    body: zone({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [1, 1],
          [0, 1],
        ],
      ],
    }),
    code: 'BAD_USER_INPUT',
    message: /must end where it starts/,
  },
  {
    name: 'ring of three positions',
    body: zone({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          [0, 0],
        ],
      ],
    }),
    code: 'BAD_USER_INPUT',
    message: /at least 4 positions/,
  },
  { name: 'empty polygon', body: zone({ type: 'Polygon', coordinates: [] }), code: 'BAD_USER_INPUT', message: /at least one ring/ },
  {
    name: 'empty multipolygon',
    body: zone({ type: 'MultiPolygon', coordinates: [] }),
    code: 'BAD_USER_INPUT',
    message: /at least one polygon/,
  },
  {
    name: 'a point where a polygon belongs',
    body: zone(p(lon, lat)),
    code: 'BAD_USER_INPUT',
    message: /Polygon or MultiPolygon \(got Point\)/,
  },
  {
    name: '200,000-vertex polygon',
    body: zone({ type: 'Polygon', coordinates: bigRing }),
    code: 'BAD_USER_INPUT',
    message: /more than 20000 vertices/,
  },
  {
    name: 'polygon with NaN-like vertex',
    body: zone({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 0],
          ['NaN', 1],
          [0, 0],
        ],
      ],
    }),
    code: 'BAD_USER_INPUT',
    message: /finite numbers/,
  },
  // Numbers, strings, enums
  {
    name: 'NaN for a Float variable',
    body: {
      query: 'query ($b: BBoxInput) { sites(filter: { bbox: $b }) { totalCount } }',
      variables: { b: { west: 'NaN', south: 51, east: 0, north: 52 } },
    },
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'NaN literal',
    body: { query: '{ sites(filter: { bbox: { west: NaN, south: 51, east: 0, north: 52 } }) { totalCount } }' },
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  { name: 'Int given as text', body: site({ requiredVisitsPerDay: 'two' }), code: 'BAD_USER_INPUT' },
  { name: 'Int out of range', body: site({ requiredVisitsPerDay: 49 }), code: 'BAD_USER_INPUT', message: /input\.requiredVisitsPerDay/ },
  { name: 'negative visits', body: site({ requiredVisitsPerDay: -1 }), code: 'BAD_USER_INPUT', message: /input\.requiredVisitsPerDay/ },
  { name: 'empty name', body: site({ name: '' }), code: 'BAD_USER_INPUT', message: /^input\.name: / },
  { name: '1 MB name', body: site({ name: 'x'.repeat(1_000_000) }), code: 'BAD_USER_INPUT', message: /^input\.name: .*200/ },
  {
    name: '1 MB description',
    body: incident({ description: 'y'.repeat(1_000_000) }),
    as: 'ANALYST',
    code: 'BAD_USER_INPUT',
    message: /^input\.description: /,
  },
  { name: 'unknown enum (variable)', body: site({ kind: 'CASTLE' }), code: 'BAD_USER_INPUT' },
  {
    name: 'unknown enum (literal)',
    body: { query: '{ sites(filter: { kinds: [CASTLE] }) { totalCount } }' },
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
  { name: 'unknown input field', body: site({ colour: 'red' }), code: 'BAD_USER_INPUT' },
  { name: 'missing required field', body: { query: createSite, variables: { input: { name: 'x' } } }, code: 'BAD_USER_INPUT' },
  {
    name: 'unknown category',
    body: incident({ category: 'car-crime' }),
    as: 'ANALYST',
    code: 'BAD_USER_INPUT',
    message: /^input\.category: unknown category/,
  },
  {
    name: 'SQL in a category',
    body: incident({ category: "burglary' or '1'='1" }),
    as: 'ANALYST',
    code: 'BAD_USER_INPUT',
    message: /unknown category/,
  },
  {
    name: 'SQL in an id',
    body: { query: 'query ($id: ID!) { site(id: $id) { id } }', variables: { id: '1; drop table sites; --' } },
    code: 'BAD_USER_INPUT',
    message: /^id: is not a valid id/,
  },
  {
    name: 'SQL in a filter category',
    body: { query: 'query ($c: [String!]) { incidents(filter: { categories: $c }) { totalCount } }', variables: { c: ["x') or 1=1 --"] } },
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'SQL in a cursor',
    body: { query: '{ incidents(after: "\') or 1=1 --") { totalCount } }' },
    code: 'BAD_USER_INPUT',
    message: /^after: is not a cursor/,
  },
  {
    name: 'future incident',
    body: incident({ occurredAt: '2099-01-01T00:00:00Z' }),
    as: 'ANALYST',
    code: 'BAD_USER_INPUT',
    message: /in the future/,
  },
  { name: 'invalid date-time', body: incident({ occurredAt: 'yesterday' }), as: 'ANALYST', code: 'BAD_USER_INPUT' },
  // Windows and pages
  {
    name: 'from after to',
    body: { query: '{ incidents(filter: { from: "2026-10-02T00:00:00Z", to: "2026-10-01T00:00:00Z" }) { totalCount } }' },
    code: 'BAD_USER_INPUT',
    message: /^filter\.from: must be before filter\.to/,
  },
  {
    name: 'first above the cap',
    body: { query: '{ incidents(first: 10000) { totalCount } }' },
    code: 'BAD_USER_INPUT',
    message: /^first: must be between 1 and 500/,
  },
  { name: 'first of zero', body: { query: '{ sites(first: 0) { totalCount } }' }, code: 'BAD_USER_INPUT' },
  {
    name: 'inverted bbox',
    body: { query: '{ sites(filter: { bbox: { west: 0, south: 51, east: -1, north: 52 } }) { totalCount } }' },
    code: 'BAD_USER_INPUT',
    message: /west .* must be less than east/,
  },
  {
    name: 'bbox latitude 95',
    body: { query: '{ sites(filter: { bbox: { west: -1, south: 51, east: 0, north: 95 } }) { totalCount } }' },
    code: 'BAD_USER_INPUT',
    message: /north/,
  },
  {
    name: 'trace longer than a week',
    body: {
      query: `{ patrolTrace(unitId: "00000000-0000-4000-8000-000000000000", from: "2026-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z") { fixCount } }`,
    },
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'hot-spot cells of 1 m',
    body: {
      query: '{ hotspots(input: { filter: { from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" }, cellSize: 1 }) { cells { id } } }',
    },
    code: 'BAD_USER_INPUT',
    message: /cellSize/,
  },
  {
    name: 'too many incidents in one import',
    body: {
      query: 'mutation ($i: [IncidentInput!]!) { importIncidents(incidents: $i) { imported } }',
      variables: {
        i: Array.from({ length: 5001 }, () => ({ category: 'burglary', occurredAt: '2026-11-01T20:00:00Z', location: p(lon, lat) })),
      },
    },
    as: 'ANALYST',
    code: 'BAD_USER_INPUT',
    message: /at most 5000/,
  },
  {
    name: 'too many positions in one batch',
    body: {
      query: 'mutation ($u: ID!, $p: [PositionInput!]!) { recordPositions(unitId: $u, positions: $p) { accepted } }',
      variables: { u: '', p: [] },
    },
    code: 'BAD_USER_INPUT',
  },
  // Query shape
  { name: 'depth-20 query', body: { query: depth20 }, code: 'GRAPHQL_VALIDATION_FAILED', message: /depth limit/i },
  {
    name: '500 aliases',
    body: { query: `{ ${Array.from({ length: 500 }, (_, k) => `a${k}: me { id }`).join(' ')} }` },
    code: 'GRAPHQL_VALIDATION_FAILED',
    message: /alias/i,
  },
  { name: 'unknown field', body: { query: '{ sites { password } }' }, code: 'GRAPHQL_VALIDATION_FAILED' },
  { name: 'syntax error', body: { query: '{ sites { ' }, code: 'GRAPHQL_VALIDATION_FAILED', message: /^Syntax Error/ },
  {
    name: 'too costly',
    body: {
      query: `{ ${[1, 2, 3].map((k) => `p${k}: incidents(first: 500) { nodes { id category occurredAt darkness location description source sourceRef locationName recordedAt latitude longitude hateCrimeFlags occurredPrecision } edges { cursor node { id category occurredAt darkness location } } }`).join(' ')} }`,
    },
    code: 'QUERY_TOO_COSTLY',
  },
  { name: 'body over 2 MB', body: site({ name: 'z'.repeat(2_200_000) }), code: 'PAYLOAD_TOO_LARGE' },
  { name: '100 batched operations', body: Array.from({ length: 100 }, () => ({ query: '{ me { id } }' })), code: 'BAD_REQUEST' },
  // Tokens
  { name: 'no token', body: { query: '{ me { id } }' }, as: 'NONE', code: 'UNAUTHENTICATED' },
  { name: 'expired token', body: { query: '{ me { id } }' }, as: { token: 'expired' }, code: 'UNAUTHENTICATED' },
  { name: 'forged token (wrong key)', body: { query: '{ me { id } }' }, as: { token: 'wrong-key' }, code: 'UNAUTHENTICATED' },
  { name: 'alg none token', body: { query: '{ me { id } }' }, as: { token: 'none' }, code: 'UNAUTHENTICATED' },
  { name: 'wrong issuer', body: { query: '{ me { id } }' }, as: { token: 'wrong-issuer' }, code: 'UNAUTHENTICATED' },
  { name: 'garbage token', body: { query: '{ me { id } }' }, as: { token: 'garbage' }, code: 'UNAUTHENTICATED' },
];

async function send(c: Case): Promise<{ status: number; code: unknown; message: string }> {
  let token: string | undefined;
  if (c.as === undefined) token = tokens.PLANNER;
  else if (c.as === 'NONE') token = undefined;
  else if (typeof c.as === 'string') token = tokens[c.as];
  else token = await forged(c.as.token as never);
  const body = JSON.parse(
    JSON.stringify(c.body)
      .replace('"u":""', `"u":"${unitId}"`)
      .replace(
        '"p":[]',
        `"p":${JSON.stringify(Array.from({ length: 1001 }, (_, k) => ({ recordedAt: new Date(Date.now() - k * 1000).toISOString(), longitude: lon, latitude: lat })))}`,
      ),
  );
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let json: { errors?: { message: string; extensions?: { code?: unknown } }[] } = {};
  try {
    json = JSON.parse(text);
  } catch {
    return { status: response.status, code: `HTTP_${response.status}`, message: text.slice(0, 200) };
  }
  return { status: response.status, code: json.errors?.[0]?.extensions?.code, message: json.errors?.[0]?.message ?? '' };
}

async function rowCounts(): Promise<Record<string, number>> {
  const tables = await t
    .em()
    .execute<{ table_name: string }[]>(
      `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not in ('audit_events', 'mikro_orm_migrations', 'spatial_ref_sys') order by 1`,
    );
  const counts: Record<string, number> = {};
  for (const { table_name } of tables) counts[table_name] = Number((await t.em().execute(`select count(*) n from "${table_name}"`))[0]!.n);
  return counts;
}

describe('a catalogue of bad input', () => {
  it('each of at least 50 bad requests gets its stable error code, and no table changes', async () => {
    const all = cases();
    expect(all.length).toBeGreaterThanOrEqual(50);
    const before = await rowCounts();
    const results: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    for (const c of all) {
      const r = await send(c);
      results[c.name] = c.message && !c.message.test(r.message) ? `${r.code}: ${r.message}` : r.code;
      expected[c.name] = c.code;
    }
    expect(results).toEqual(expected);
    expect(await rowCounts()).toEqual(before);
  });
});
