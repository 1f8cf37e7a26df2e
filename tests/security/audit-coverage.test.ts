import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ApproveVisitRequestDocument,
  IssueDeviceTokenDocument,
  RequestReassuranceVisitDocument,
  RevokeDeviceTokensDocument,
  SavePatrolPlanDocument,
} from '@vigil/schema';
import { storePositions } from '@vigil/server';
import { buildSchema, type GraphQLField, type GraphQLObjectType, getNamedType, isNonNullType, isObjectType } from 'graphql';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSite, makeUnit, offset, SOUTH_END_GREEN, stay } from '../support/factories.js';
import { eventually } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { codeOf, overHttp, overSocket } from '../support/transports.js';

/**
 * Issue 13, row 7: a mutation refused while the caller is worked out (revoked, forged or
 * expired token) is audited as refused; every answer that carries sites, however deeply
 * nested, leaves one audit line per operation listing them.
 */
let t: TestServer;
let supt: string;
let planner: string;
let unitId: string;
const now = Date.now();
const hour = 3_600_000;
beforeAll(async () => {
  t = await startTestServer();
  [supt, planner] = await Promise.all([t.tokenFor('SUPERINTENDENT'), t.tokenFor('PLANNER')]);
  // A visited site, an overdue one (never visited), and one added from an approved request.
  const unit = await makeUnit(t.em());
  unitId = unit.id;
  await makeSite(t.em(), { name: 'Visited synagogue' });
  await makeSite(t.em(), { name: 'Overdue mosque', at: offset(SOUTH_END_GREEN, 2000, 0) });
  await storePositions(t.em(), unit.id, stay(SOUTH_END_GREEN, new Date(now - 2 * hour), 12), { radiusMetres: 50, gapSeconds: 120 });
  const request = await t.gql(
    RequestReassuranceVisitDocument,
    {
      input: {
        placeName: 'Requested school',
        kind: 'SCHOOL',
        requesterName: 'A warden',
        location: { type: 'Point', coordinates: offset(SOUTH_END_GREEN, 0, 800) },
      },
    },
    planner,
  );
  const approved = await t.gql(
    ApproveVisitRequestDocument,
    { id: request.data!.requestReassuranceVisit.id, requiredVisitsPerDay: 2 },
    planner,
  );
  expect(approved.errors).toBeUndefined();
  // A zone around them with the unit in it, and the unit's plan for the shift now.
  const [zone] = await t
    .em()
    .execute<{ id: string }[]>(
      `insert into patrol_zones (id, name, boundary) values (gen_random_uuid(), 'Audit zone', ST_Multi(ST_MakeEnvelope(-0.19, 51.54, -0.13, 51.58, 4326))) returning id`,
    );
  await t.em().execute('insert into patrol_zone_units values (?, ?)', [zone!.id, unitId]);
  const saved = await t.gql(SavePatrolPlanDocument, { input: { from: shift.from, to: shift.to, unitIds: [unitId] } }, planner);
  expect(saved.errors).toBeUndefined();
});
afterAll(() => t?.close());
const shift = { from: new Date(now - hour).toISOString(), to: new Date(now + 6 * hour).toISOString() };

const auditSince = (id: number) =>
  t
    .em()
    .execute<
      { id: string; operation: string; target_ids: string[]; outcome: string; actor_role: string | null; client_address: string | null }[]
    >(`select id, operation, target_ids, outcome, actor_role, client_address from audit_events where id > ? order by id`, [id]);
const lastAuditId = async () => Number((await t.em().execute(`select coalesce(max(id), 0) as n from audit_events`))[0]!.n);

describe('row 7: mutations refused while the caller is worked out are audited', () => {
  const ingest = 'mutation ($u: ID!, $p: [PositionInput!]!) { recordPositions(unitId: $u, positions: $p) { accepted } }';
  const batch = () => [{ recordedAt: new Date().toISOString(), longitude: SOUTH_END_GREEN[0], latitude: SOUTH_END_GREEN[1] }];
  const key = () => new TextEncoder().encode(t.config.jwtSecret);

  it.each(['revoked device token', 'forged token', 'expired token', 'not a bearer token'])(
    '%s: refused, and audited as DENIED',
    async (kind) => {
      let authorization: string;
      if (kind === 'revoked device token') {
        const issued = await t.gql(IssueDeviceTokenDocument, { unitId }, planner);
        await t.gql(RevokeDeviceTokensDocument, { unitId }, planner);
        authorization = `Bearer ${issued.data!.issueDeviceToken.token}`;
      } else if (kind === 'forged token') {
        const sub = (await t.em().execute(`select id from users where role = 'SUPERINTENDENT' limit 1`))[0]!.id;
        authorization = `Bearer ${await new SignJWT({ role: 'SUPERINTENDENT', ver: 0 })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(sub)
          .setIssuer('vigil')
          .setIssuedAt()
          .setExpirationTime('1h')
          .sign(new TextEncoder().encode('a key that is not the server key at all'))}`;
      } else if (kind === 'expired token') {
        const sub = (await t.em().execute(`select id from users where role = 'PLANNER' limit 1`))[0]!.id;
        authorization = `Bearer ${await new SignJWT({ role: 'PLANNER', ver: 0 })
          .setProtectedHeader({ alg: 'HS256' })
          .setSubject(sub)
          .setIssuer('vigil')
          .setIssuedAt(Math.floor(now / 1000) - 7200)
          .setExpirationTime(Math.floor(now / 1000) - 60)
          .sign(key())}`;
      } else authorization = 'Basic dXNlcjpwYXNz';
      const before = await lastAuditId();
      const answer = await overHttp(t.url, { query: ingest, variables: { u: unitId, p: batch() } }, { authorization });
      expect(codeOf(answer)).toBe('UNAUTHENTICATED');
      expect(answer.status).toBe(401);
      const rows = await auditSince(before);
      expect(rows).toEqual([
        expect.objectContaining({ operation: 'recordPositions', outcome: 'DENIED', client_address: expect.stringMatching(/127\.0\.0\.1/) }),
      ]);
      expect(rows[0]!.target_ids).toContain(unitId);
    },
  );
});

/** Every path from a type down to Site in the SDL, as a selection set that ends in `id latitude longitude`. */
const sdl = buildSchema(readFileSync(fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url)), 'utf8'));
function selection(type: GraphQLObjectType, depth: number, seen: Set<string>): string | null {
  if (type.name === 'Site') {
    const nested = depth < 2 ? ['visits', 'lastVisit'].map((f) => siteFieldSelection(f, depth)).filter(Boolean) : [];
    return `{ id latitude longitude ${nested.join(' ')} }`;
  }
  if (depth > 4 || seen.has(type.name)) return null;
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.args.some((a) => isNonNullType(a.type))) continue;
    const named = getNamedType(field.type);
    if (!isObjectType(named)) continue;
    const inner = selection(named, depth + 1, new Set([...seen, type.name]));
    if (inner) parts.push(`${field.name} ${inner}`);
  }
  return parts.length ? `{ ${parts.join(' ')} }` : null;
}
function siteFieldSelection(name: string, depth: number): string {
  const field = (sdl.getType('Site') as GraphQLObjectType).getFields()[name] as GraphQLField<unknown, unknown>;
  const inner = selection(getNamedType(field.type) as GraphQLObjectType, depth + 1, new Set(['Site']));
  return inner ? `${name}${name === 'visits' ? '(first: 5)' : ''} ${inner}` : '';
}
const rootsReachingSites = Object.values(sdl.getQueryType()!.getFields())
  .map((field) => ({
    field,
    inner: isObjectType(getNamedType(field.type)) ? selection(getNamedType(field.type) as GraphQLObjectType, 1, new Set()) : null,
  }))
  .filter((r): r is { field: GraphQLField<unknown, unknown>; inner: string } => r.inner !== null);

/** The ids of an audit line that are not visit requests (those are audited too: a request names a place under threat). */
async function withoutRequests(ids: string[]): Promise<Set<string>> {
  const requests = await t.em().execute<{ id: string }[]>(`select id::text from visit_requests`);
  const known = new Set(requests.map((r) => r.id));
  return new Set(ids.filter((id) => !known.has(id)));
}

/** Site ids in an answer: objects that carry a latitude next to an id. */
function siteIds(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) siteIds(v, into);
  else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (typeof o.id === 'string' && typeof o.latitude === 'number') into.add(o.id);
    for (const v of Object.values(o)) siteIds(v, into);
  }
  return into;
}

describe('row 7: every answer carrying site locations is audited, one line per operation', () => {
  const window = { from: new Date(now - 24 * hour).toISOString(), to: new Date(now + hour).toISOString() };
  const around = {
    type: 'Polygon',
    coordinates: [
      [
        [-0.19, 51.54],
        [-0.13, 51.54],
        [-0.13, 51.58],
        [-0.19, 51.58],
        [-0.19, 51.54],
      ],
    ],
  };
  const args: Record<string, string> = {
    sites: '(first: 50)',
    overdueSites: '',
    coverage: `(input: { from: "${window.from}", to: "${window.to}", bbox: { west: -0.19, south: 51.54, east: -0.13, north: 51.58 } })`,
    previewZone: `(boundary: ${JSON.stringify(JSON.stringify(around))}, filter: { from: "${window.from}", to: "${window.to}" })`,
    patrolTrace: '', // filled in per test: needs the unit id
    visitRequests: '',
  };

  it('the roots that can reach a site are the ones this test knows how to ask', () => {
    expect(rootsReachingSites.map((r) => r.field.name).sort()).toEqual([
      'coverage',
      'myPlan',
      'overdueSites',
      'patrolPlan',
      'patrolPlans',
      'patrolTrace',
      'previewZone',
      'site',
      'sites',
      'unitPlan',
      'visitRequests',
    ]);
  });

  it.each(rootsReachingSites.map((r) => [r.field.name, r.inner] as const))(
    '%s: the sites in the answer are the sites in its audit line',
    async (name, inner) => {
      let rootArgs = args[name] ?? '';
      if (name === 'patrolTrace') rootArgs = `(unitId: "${unitId}", from: "${window.from}", to: "${window.to}")`;
      if (name === 'site') {
        const [row] = await t.em().execute(`select id from sites where name = 'Visited synagogue'`);
        rootArgs = `(id: "${row!.id}")`;
      }
      if (name === 'patrolPlan') rootArgs = `(input: { from: "${shift.from}", to: "${shift.to}", unitIds: ["${unitId}"] })`;
      if (name === 'unitPlan') rootArgs = `(unitId: "${unitId}")`;
      // A device reads its own unit's plan: asked with the unit's device token.
      let token = supt;
      let role = 'SUPERINTENDENT';
      if (name === 'myPlan') {
        token = (await t.gql(IssueDeviceTokenDocument, { unitId }, planner)).data!.issueDeviceToken.token;
        role = 'DEVICE';
      }
      const before = await lastAuditId();
      const answer = await overHttp(t.url, { query: `{ ${name}${rootArgs} ${inner} }` }, { token });
      expect(answer.body?.errors).toBeUndefined();
      const ids = siteIds(answer.body?.data);
      expect(ids.size, `${name} answered with sites`).toBeGreaterThan(0);
      const rows = await auditSince(before);
      expect(rows.map((r) => [r.operation, r.outcome, r.actor_role])).toEqual([[name, 'SUCCESS', role]]);
      expect(await withoutRequests(rows[0]!.target_ids)).toEqual(ids);
    },
  );

  it('one operation reading sites through three roots writes one line with all of them', async () => {
    const before = await lastAuditId();
    const answer = await overHttp(
      t.url,
      {
        query: `{ overdueSites { site { id latitude } } coverage${args.coverage} { sites { site { id latitude } } } visitRequests { site { id latitude } } }`,
      },
      { token: supt },
    );
    expect(answer.body?.errors).toBeUndefined();
    const rows = await auditSince(before);
    expect(rows).toHaveLength(1);
    expect(await withoutRequests(rows[0]!.target_ids)).toEqual(siteIds(answer.body?.data));
    // The visit requests read on the way are in the same line.
    const [request] = await t.em().execute<{ id: string }[]>(`select id from visit_requests limit 1`);
    expect(rows[0]!.target_ids).toContain(request!.id);
  });

  it('live feeds: a site reaching a subscriber over graphql-ws is audited with the subscription', async () => {
    const [overdue] = await t.em().execute<{ id: string }[]>(`select id from sites where name = 'Overdue mosque'`);
    const before = await lastAuditId();
    const feed = overSocket(t.url, { query: 'subscription { siteOverdue { site { id latitude longitude } } }' }, { token: supt });
    await eventually(async () => (await auditSince(before)).some((r) => r.operation === 'siteOverdue'));
    t.server.pubSub.publish('siteOverdue', { siteId: overdue!.id, dueBy: new Date().toISOString(), lastVisitAt: null });
    const answer = await feed;
    expect(answer.kind).toBe('next');
    const rows = await eventually(async () => {
      const all = await auditSince(before);
      return all.some((r) => r.target_ids.includes(overdue!.id)) ? all : null;
    });
    expect(rows.filter((r) => r.target_ids.includes(overdue!.id))).toEqual([
      expect.objectContaining({ operation: 'siteOverdue', outcome: 'SUCCESS', actor_role: 'SUPERINTENDENT' }),
    ]);
  });
});
