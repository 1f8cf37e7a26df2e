import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSite, makeUnit, SOUTH_END_GREEN } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let tokens: Record<'ANALYST' | 'PLANNER' | 'SUPERINTENDENT', string>;
let unitId: string;
beforeAll(async () => {
  t = await startTestServer();
  tokens = {
    ANALYST: await t.tokenFor('ANALYST'),
    PLANNER: await t.tokenFor('PLANNER'),
    SUPERINTENDENT: await t.tokenFor('SUPERINTENDENT'),
  };
  unitId = (await makeUnit(t.em())).id;
  // One site, so that fields of a site (its visits) are resolved and their arguments checked.
  await makeSite(t.em());
});
afterAll(() => t?.close());

interface Case {
  name: string;
  body: unknown;
  /** The request body as raw text instead (JSON that JavaScript cannot write, such as 1e999). */
  raw?: string;
  as?: 'ANALYST' | 'PLANNER' | 'SUPERINTENDENT' | 'NONE' | { token: string } | { authorization: string };
  /** HTTP status; by default 400 for errors found before execution (parse, validation, cost, transport), never 5xx. */
  status?: number;
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
/** A cursor as a list would make one, holding whatever a forger likes. */
const b64 = (values: unknown[]) => Buffer.from(JSON.stringify(values)).toString('base64url');
/** Twenty levels: visit → site → lastVisit → unit … repeated. */
const depth20 = `{ sites { nodes { ${'lastVisit { site { '.repeat(9)}id${' } }'.repeat(9)} } } }`;

async function forged(kind: 'expired' | 'wrong-key' | 'none' | 'wrong-issuer' | 'garbage' | 'no-exp'): Promise<string> {
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
    case 'no-exp':
      return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject(user!.id).setIssuer('vigil').setIssuedAt().sign(key);
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
  { name: 'syntax error', body: { query: '{ sites { ' }, code: 'GRAPHQL_PARSE_FAILED', message: /^Syntax Error/ },
  {
    name: 'too costly',
    body: {
      // Each hot-spot map may hold up to 60,000 cells: three in one request are too many.
      query: `{ ${[1, 2, 3].map((k) => `m${k}: hotspots(input: { filter: { from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" }, cellSize: ${25 * k} }) { cells { id geometry count } }`).join(' ')} }`,
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
  // Text no column can hold: NUL bytes and unpaired UTF-16 surrogates, wherever they come.
  { name: 'NUL in a name', body: site({ name: 'Beth\u0000Din' }), code: 'BAD_USER_INPUT', message: /^input\.name: .*NUL/ },
  { name: 'NUL in a community', body: site({ community: '\u0000' }), code: 'BAD_USER_INPUT', message: /^input\.community: / },
  {
    name: 'lone high surrogate in a name',
    body: site({ name: 'Shul \ud800' }),
    code: 'BAD_USER_INPUT',
    message: /^input\.name: .*surrogate/,
  },
  {
    name: 'lone low surrogate in who asked',
    body: site({ requestedBy: '\udc00x' }),
    code: 'BAD_USER_INPUT',
    message: /^input\.requestedBy: /,
  },
  {
    name: 'NUL in a description',
    body: incident({ description: 'a\u0000b' }),
    as: 'ANALYST',
    code: 'BAD_USER_INPUT',
    message: /^input\.description: /,
  },
  {
    name: 'NUL in a category',
    body: incident({ category: 'burglary\u0000' }),
    as: 'ANALYST',
    code: 'BAD_USER_INPUT',
    message: /^input\.category: /,
  },
  {
    name: 'NUL in a sign-in e-mail',
    body: { query: 'mutation ($e: String!) { login(email: $e, password: "x") { token } }', variables: { e: 'supt@test.vigil\u0000' } },
    as: 'NONE',
    code: 'BAD_USER_INPUT',
    message: /^email: /,
  },
  {
    name: 'NUL in a password',
    body: { query: 'mutation ($p: String!) { login(email: "supt@test.vigil", password: $p) { token } }', variables: { p: '\u0000' } },
    as: 'NONE',
    code: 'BAD_USER_INPUT',
    message: /^password: /,
  },
  {
    name: 'NUL in a query literal',
    body: { query: '{ sites(after: "ab\\u0000") { totalCount } }' },
    code: 'BAD_USER_INPUT',
    message: /^after: /,
  },
  {
    name: 'lone surrogate escaped in a query literal',
    body: { query: '{ sites(filter: { zoneId: "\\ud800" }) { totalCount } }' },
    code: 'GRAPHQL_PARSE_FAILED',
    message: /Unicode/,
  },
  {
    name: 'lone surrogate raw in a query literal',
    body: { query: '{ sites(filter: { zoneId: "\ud800" }) { totalCount } }' },
    code: 'GRAPHQL_PARSE_FAILED',
  },
  {
    name: 'NUL inside GeoJSON',
    body: site({ location: { type: 'Point\u0000', coordinates: [lon, lat] } }),
    code: 'BAD_USER_INPUT',
    message: /^input\.location/,
  },
  {
    name: 'NUL in a filter list',
    body: {
      query: 'query ($c: [String!]) { incidents(filter: { categories: $c }) { totalCount } }',
      variables: { c: ['burglary', '\u0000'] },
    },
    code: 'BAD_USER_INPUT',
    message: /^filter\.categories\[1\]: /,
  },
  {
    name: 'NUL in an audit filter',
    body: { query: 'query ($o: String) { auditEvents(filter: { operation: $o }) { totalCount } }', variables: { o: 'login\u0000' } },
    as: 'SUPERINTENDENT',
    code: 'BAD_USER_INPUT',
    message: /^filter\.operation: /,
  },
  {
    name: 'lone surrogate in a visit request',
    body: {
      query: 'mutation ($i: VisitRequestInput!) { requestReassuranceVisit(input: $i) { id } }',
      variables: { i: { placeName: '\ud83d', kind: 'SCHOOL', requesterName: 'x' } },
    },
    code: 'BAD_USER_INPUT',
    message: /^input\.placeName: /,
  },
  {
    name: 'NUL in a display name',
    body: {
      query: 'mutation ($i: CreateUserInput!) { createUser(input: $i) { id } }',
      variables: { i: { email: 'n@test.vigil', displayName: 'N\u0000', role: 'ANALYST', password: 'long enough password' } },
    },
    as: 'SUPERINTENDENT',
    code: 'BAD_USER_INPUT',
    message: /^input\.displayName: /,
  },
  {
    name: 'NUL in a zone name',
    body: { query: createZone, variables: { input: { name: 'Z\u0000', boundary: { type: 'Polygon', coordinates: square } } } },
    code: 'BAD_USER_INPUT',
    message: /^input\.name: /,
  },
  {
    name: 'NUL in a variable default',
    body: { query: 'query ($z: ID = "a\\u0000") { sites(filter: { zoneId: $z }) { totalCount } }' },
    code: 'BAD_USER_INPUT',
    message: /^filter\.zoneId: .*NUL/,
  },
  {
    name: 'first of a million',
    body: { query: '{ sites(first: 1000000) { totalCount } }' },
    code: 'BAD_USER_INPUT',
    message: /^first: must be between 1 and 500/,
  },
  {
    name: 'NUL in an id',
    body: { query: 'query ($id: ID!) { site(id: $id) { id } }', variables: { id: '\u0000' } },
    code: 'BAD_USER_INPUT',
    message: /^id: /,
  },
  // Cursors: opaque, so anything not made by the list itself is refused, whatever it decodes to.
  {
    name: 'site cursor ["1;drop", "x"]',
    body: { query: `{ sites(after: "${b64(['1;drop', 'x'])}") { totalCount } }` },
    code: 'BAD_USER_INPUT',
    message: /^after: /,
  },
  {
    name: 'site cursor [1e308, 1e308]',
    body: { query: `{ sites(after: "${b64([1e308, 1e308])}") { totalCount } }` },
    code: 'BAD_USER_INPUT',
    message: /^after: /,
  },
  {
    name: 'incident cursor ["1;drop", "x"]',
    body: { query: `{ incidents(after: "${b64(['1;drop', 'x'])}") { totalCount } }` },
    code: 'BAD_USER_INPUT',
    message: /^after: /,
  },
  {
    name: 'incident cursor [1e308, 1e308]',
    body: { query: `{ incidents(after: "${b64([1e308, 1e308])}") { totalCount } }` },
    code: 'BAD_USER_INPUT',
    message: /^after: /,
  },
  {
    name: 'incident cursor with a valid time and a bad id',
    body: { query: `{ incidents(after: "${b64(['2026-01-01T00:00:00.000Z', '1; drop table incidents'])}") { totalCount } }` },
    code: 'BAD_USER_INPUT',
    message: /^after: /,
  },
  {
    name: 'audit cursor ["1;drop"]',
    body: { query: `{ auditEvents(after: "${b64(['1;drop'])}") { totalCount } }` },
    as: 'SUPERINTENDENT',
    code: 'BAD_USER_INPUT',
    message: /^after: /,
  },
  {
    name: 'audit cursor [1e308]',
    body: { query: `{ auditEvents(after: "${b64([1e308])}") { totalCount } }` },
    as: 'SUPERINTENDENT',
    code: 'BAD_USER_INPUT',
    message: /^after: /,
  },
  {
    name: 'audit cursor [-1]',
    body: { query: `{ auditEvents(after: "${b64([-1])}") { totalCount } }` },
    as: 'SUPERINTENDENT',
    code: 'BAD_USER_INPUT',
    message: /^after: /,
  },
  {
    name: 'cursor of an empty list',
    body: { query: `{ sites(after: "${b64([])}") { totalCount } }` },
    code: 'BAD_USER_INPUT',
    message: /^after: /,
  },
  {
    name: 'cursor of nulls',
    body: { query: `{ sites(after: "${b64([null, null])}") { totalCount } }` },
    code: 'BAD_USER_INPUT',
    message: /^after: /,
  },
  {
    name: '100 kB cursor',
    body: { query: `{ sites(after: "${'A'.repeat(100_000)}") { totalCount } }` },
    code: 'BAD_USER_INPUT',
    message: /^after: /,
  },
  // Geometry beyond two dimensions or without area.
  {
    name: '4D position in a point',
    body: site({ location: { type: 'Point', coordinates: [lon, lat, 10, 1] } }),
    code: 'BAD_USER_INPUT',
    message: /\[longitude, latitude\]/,
  },
  {
    name: '4D position in a polygon',
    body: zone({ type: 'Polygon', coordinates: [square[0]!.map(([x, y]) => [x, y, 0, 0])] }),
    code: 'BAD_USER_INPUT',
    message: /\[longitude, latitude\]/,
  },
  {
    name: 'degenerate polygon (one point four times)',
    body: zone({
      type: 'Polygon',
      coordinates: [
        [
          [lon, lat],
          [lon, lat],
          [lon, lat],
          [lon, lat],
        ],
      ],
    }),
    code: 'BAD_USER_INPUT',
    message: /^input\.boundary: is not a valid polygon/,
  },
  {
    name: 'zero-area polygon (on a line)',
    body: zone({
      type: 'Polygon',
      coordinates: [
        [
          [0, 0],
          [1, 1],
          [2, 2],
          [0, 0],
        ],
      ],
    }),
    code: 'BAD_USER_INPUT',
    message: /^input\.boundary: is not a valid polygon/,
  },
  {
    name: 'hole outside its shell',
    body: zone({
      type: 'Polygon',
      coordinates: [
        square[0],
        [
          [1, 1],
          [2, 1],
          [2, 2],
          [1, 2],
          [1, 1],
        ],
      ],
    }),
    code: 'BAD_USER_INPUT',
    message: /^input\.boundary: is not a valid polygon/,
  },
  {
    name: 'multipolygon with an empty polygon',
    body: zone({ type: 'MultiPolygon', coordinates: [[]] }),
    code: 'BAD_USER_INPUT',
    message: /at least one ring/,
  },
  {
    name: 'point nested too deep',
    body: site({ location: { type: 'Point', coordinates: [[lon, lat]] } }),
    code: 'BAD_USER_INPUT',
    message: /\[longitude, latitude\]/,
  },
  {
    name: 'a line where an area belongs',
    body: {
      query: 'query ($w: GeoJSON) { sites(filter: { within: $w }) { totalCount } }',
      variables: {
        w: {
          type: 'LineString',
          coordinates: [
            [0, 0],
            [1, 1],
          ],
        },
      },
    },
    code: 'BAD_USER_INPUT',
    message: /^filter\.within: must be a GeoJSON Polygon/,
  },
  {
    name: 'infinite longitude (1e999)',
    body: null,
    raw: `{"query":"mutation ($input: CreateSiteInput!) { createSite(input: $input) { id } }","variables":{"input":{"name":"S","kind":"SYNAGOGUE","riskLevel":"HIGH","requiredVisitsPerDay":2,"location":{"type":"Point","coordinates":[1e999,51.5]}}}}`,
    code: 'BAD_USER_INPUT',
    message: /finite/,
  },
  {
    name: 'infinite box edge (1e999)',
    body: null,
    raw: '{"query":"query ($b: BBoxInput) { sites(filter: { bbox: $b }) { totalCount } }","variables":{"b":{"west":-1e999,"south":51,"east":0,"north":52}}}',
    code: 'BAD_USER_INPUT',
  },
  // Numbers out of their type or range.
  {
    name: 'first above 2³¹',
    body: { query: 'query ($f: Int) { sites(first: $f) { totalCount } }', variables: { f: 2 ** 31 } },
    code: 'BAD_USER_INPUT',
  },
  { name: 'negative first', body: { query: '{ sites(first: -1) { totalCount } }' }, code: 'BAD_USER_INPUT', message: /^first: / },
  {
    name: 'fractional first',
    body: { query: 'query ($f: Int) { sites(first: $f) { totalCount } }', variables: { f: 1.5 } },
    code: 'BAD_USER_INPUT',
  },
  { name: 'visits per day 1e308', body: site({ requiredVisitsPerDay: 1e308 }), code: 'BAD_USER_INPUT' },
  {
    name: 'NaN cell size',
    body: {
      query:
        'query ($c: Float) { hotspots(input: { filter: { from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z" }, cellSize: $c }) { summary { cellCount } } }',
      variables: { c: 'NaN' },
    },
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'trend of 0 days',
    body: { query: '{ incidentTrend(eventAt: "2026-01-01T00:00:00Z", days: 0) { before } }' },
    code: 'BAD_USER_INPUT',
    message: /days/,
  },
  {
    name: 'trend of 100,000 days',
    body: { query: '{ incidentTrend(eventAt: "2026-01-01T00:00:00Z", days: 100000) { before } }' },
    code: 'BAD_USER_INPUT',
    message: /days/,
  },
  {
    name: 'positions with a longitude given as text',
    body: {
      query: 'mutation ($u: ID!, $p: [PositionInput!]!) { recordPositions(unitId: $u, positions: $p) { accepted } }',
      variables: { u: '00000000-0000-4000-8000-000000000000', p: [{ recordedAt: '2026-01-01T00:00:00Z', longitude: 'NaN', latitude: 51 }] },
    },
    code: 'BAD_USER_INPUT',
  },
  // Dates outside what a calendar or the data can hold.
  { name: 'year 10000', body: incident({ occurredAt: '10000-01-01T00:00:00Z' }), as: 'ANALYST', code: 'BAD_USER_INPUT' },
  { name: '30 February', body: incident({ occurredAt: '2026-02-30T00:00:00Z' }), as: 'ANALYST', code: 'BAD_USER_INPUT' },
  {
    name: 'trace from year 1 to year 9999',
    body: {
      query: `{ patrolTrace(unitId: "00000000-0000-4000-8000-000000000000", from: "0001-01-01T00:00:00Z", to: "9999-12-31T00:00:00Z") { fixCount } }`,
    },
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'site visits since year 1',
    body: { query: '{ sites(first: 1) { nodes { visits(from: "0001-01-01T00:00:00Z") { id } } } }' },
    code: 'BAD_USER_INPUT',
    message: /^from: /,
  },
  {
    name: 'coverage over a century',
    body: { query: '{ coverage(input: { from: "1926-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { totals { sites } } }' },
    code: 'BAD_USER_INPUT',
  },
  {
    name: 'audit window reversed',
    body: { query: '{ auditEvents(filter: { from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { totalCount } }' },
    as: 'SUPERINTENDENT',
    code: 'BAD_USER_INPUT',
    message: /^filter\.from: /,
  },
  {
    name: 'site active to before from',
    body: site({ activeFrom: '2026-02-01T00:00:00Z', activeTo: '2026-01-01T00:00:00Z' }),
    code: 'BAD_USER_INPUT',
    message: /^input\.activeFrom: /,
  },
  {
    name: 'preview over a year',
    body: {
      query:
        'query ($b: GeoJSON!) { previewZone(boundary: $b, filter: { from: "2025-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }) { pai } }',
      variables: { b: { type: 'Polygon', coordinates: square } },
    },
    code: 'BAD_USER_INPUT',
  },
  // Accounts.
  {
    name: '1 MB sign-in e-mail',
    body: {
      query: 'mutation ($e: String!) { login(email: $e, password: "x") { token } }',
      variables: { e: `${'a'.repeat(1_000_000)}@test.vigil` },
    },
    as: 'NONE',
    code: 'BAD_USER_INPUT',
    message: /^email: /,
  },
  {
    name: '1 MB password',
    body: {
      query: 'mutation ($p: String!) { login(email: "supt@test.vigil", password: $p) { token } }',
      variables: { p: 'p'.repeat(1_000_000) },
    },
    as: 'NONE',
    code: 'BAD_USER_INPUT',
    message: /^password: /,
  },
  {
    name: 'account with a bad e-mail',
    body: {
      query: 'mutation ($i: CreateUserInput!) { createUser(input: $i) { id } }',
      variables: { i: { email: 'not an address', displayName: 'X', role: 'ANALYST', password: 'long enough password' } },
    },
    as: 'SUPERINTENDENT',
    code: 'BAD_USER_INPUT',
    message: /^input\.email: /,
  },
  {
    name: 'a device account made by hand',
    body: {
      query: 'mutation ($i: CreateUserInput!) { createUser(input: $i) { id } }',
      variables: { i: { email: 'd@test.vigil', displayName: 'D', role: 'DEVICE', password: 'long enough password' } },
    },
    as: 'SUPERINTENDENT',
    code: 'BAD_USER_INPUT',
    message: /^input\.role: /,
  },
  // Ids.
  {
    name: 'unit id that is not an id',
    body: { query: 'mutation { recordPositions(unitId: "unit-1", positions: []) { accepted } }' },
    code: 'BAD_USER_INPUT',
    message: /^unitId: /,
  },
  {
    name: 'account id that is not an id',
    body: { query: 'mutation { disableUser(id: "x") { id } }' },
    as: 'SUPERINTENDENT',
    code: 'BAD_USER_INPUT',
    message: /^id: /,
  },
  { name: 'empty zone id', body: { query: '{ zone(id: "") { id } }' }, code: 'BAD_USER_INPUT', message: /^id: / },
  // The request itself.
  {
    name: 'more than 10,000 tokens',
    body: { query: `{ me { ${'id '.repeat(10_001)} } }` },
    code: 'GRAPHQL_PARSE_FAILED',
    message: /tokens/,
  },
  {
    name: 'a variable that is not a DateTime',
    body: { query: 'query ($t: DateTime!) { incidents(filter: { from: $t }) { totalCount } }', variables: { t: 'nope' } },
    code: 'BAD_USER_INPUT',
    status: 400,
  },
  {
    name: 'a persisted query',
    body: { query: '{ me { id } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } },
    code: 'PERSISTED_QUERY_NOT_SUPPORTED',
    status: 400,
  },
  { name: 'variables not an object', body: { query: '{ me { id } }', variables: 'x' }, code: 'BAD_REQUEST' },
  { name: 'query not a string', body: { query: 5 }, code: 'BAD_REQUEST' },
  { name: 'empty query', body: { query: '' }, code: 'BAD_REQUEST' },
  {
    name: '21 directives',
    body: { query: `{ me { id ${'@include(if: true) '.repeat(21)} } }` },
    code: 'GRAPHQL_VALIDATION_FAILED',
    message: /directive/i,
  },
  {
    name: 'thirty coverage reports in one request',
    body: {
      query: `{ ${Array.from({ length: 30 }, (_, k) => `c${k}: coverage(input: { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" }) { totals { sites } }`).join(' ')} }`,
    },
    code: 'QUERY_TOO_COSTLY',
  },
  {
    name: 'a subscription over HTTP',
    body: { query: 'subscription { visitRecorded { id } }' },
    code: 'BAD_REQUEST',
    message: /graphql-ws/,
  },
  {
    name: 'row 4: visits of visits of a page of sites',
    body: {
      query: `{ sites(first: 500) { nodes { ${'visits(from: "2026-01-01T00:00:00Z") { site { '.repeat(4)}name${' } }'.repeat(4)} } } }`,
    },
    code: 'QUERY_TOO_COSTLY',
  },
  {
    name: 'a bearer with no token',
    body: { query: '{ me { id } }' },
    as: { authorization: 'Bearer' },
    code: 'UNAUTHENTICATED',
    status: 401,
  },
  {
    name: 'a 10 kB authorization header',
    body: { query: '{ me { id } }' },
    as: { authorization: `Bearer ${'x'.repeat(10_000)}` },
    code: 'UNAUTHENTICATED',
    status: 401,
  },
  { name: 'a token without expiry', body: { query: '{ me { id } }' }, as: { token: 'no-exp' }, code: 'UNAUTHENTICATED', status: 401 },
];

/** Errors found before execution: the request never ran, so the answer is a 400. */
const BEFORE_EXECUTION = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'QUERY_TOO_COSTLY', 'BAD_REQUEST']);

async function send(c: Case): Promise<{ status: number; code: unknown; message: string }> {
  let authorization: string | undefined;
  if (c.as === undefined) authorization = `Bearer ${tokens.PLANNER}`;
  else if (c.as === 'NONE') authorization = undefined;
  else if (typeof c.as === 'string') authorization = `Bearer ${tokens[c.as]}`;
  else if ('authorization' in c.as) authorization = c.as.authorization;
  else authorization = `Bearer ${await forged(c.as.token as never)}`;
  const text =
    c.raw ??
    JSON.stringify(c.body)
      .replace('"u":""', `"u":"${unitId}"`)
      .replace(
        '"p":[]',
        `"p":${JSON.stringify(Array.from({ length: 1001 }, (_, k) => ({ recordedAt: new Date(Date.now() - k * 1000).toISOString(), longitude: lon, latitude: lat })))}`,
      );
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: text,
  });
  const answer = await response.text();
  let json: { errors?: { message: string; extensions?: { code?: unknown } }[] } = {};
  try {
    json = JSON.parse(answer);
  } catch {
    return { status: response.status, code: `HTTP_${response.status}`, message: answer.slice(0, 200) };
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
  it('each of at least 100 bad requests gets its stable error code and status, never a 5xx, and no table changes', async () => {
    const all = cases();
    expect(all.length).toBeGreaterThanOrEqual(100);
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
    const before = await rowCounts();
    const results: Record<string, unknown> = {};
    const expected: Record<string, unknown> = {};
    for (const c of all) {
      const r = await send(c);
      const status = c.status ?? (BEFORE_EXECUTION.has(c.code) ? 400 : c.code === 'PAYLOAD_TOO_LARGE' ? 413 : undefined);
      const problems = [
        c.message && !c.message.test(r.message) ? `message: ${r.message.slice(0, 200)}` : null,
        status !== undefined && r.status !== status ? `status ${r.status}` : null,
        r.status >= 500 ? `status ${r.status}` : null,
      ].filter(Boolean);
      results[c.name] = problems.length ? `${r.code} (${problems.join('; ')})` : r.code;
      expected[c.name] = c.code;
    }
    expect(results).toEqual(expected);
    expect(await rowCounts()).toEqual(before);
  });

  it('one query text sent again and again is judged each time: its variables always, a bad literal every time', async () => {
    // What the pipeline keeps per parsed document (graphql/input-text.ts) must never carry a
    // verdict on one request's variables over to the next.
    const query = 'query ($o: String) { auditEvents(filter: { operation: $o }) { totalCount } }';
    const ask = (o: string) => send({ name: o, body: { query, variables: { o } }, as: 'SUPERINTENDENT', code: '' });
    for (const round of [1, 2]) {
      expect((await ask('login')).code, `round ${round}`).toBeUndefined();
      const refused = await ask('login\u0000');
      expect([refused.code, refused.status], `round ${round}`).toEqual(['BAD_USER_INPUT', 400]);
      expect(refused.message).toMatch(/^filter\.operation: .*NUL/);
    }
    for (const round of [1, 2]) {
      const literal = await send({ name: 'literal', body: { query: '{ sites(after: "ab\\u0000") { totalCount } }' }, code: '' });
      expect([literal.code, literal.status], `round ${round}`).toEqual(['BAD_USER_INPUT', 400]);
    }
  });
});
