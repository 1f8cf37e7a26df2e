import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  ApproveVisitRequestDocument,
  CreateZoneDocument,
  IssueDeviceTokenDocument,
  LoginDocument,
  RequestReassuranceVisitDocument,
} from '@vigil/schema';
import {
  buildSchema,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableChecksums } from '../support/checksum.js';
import { makeSite, makeUnit, offset, SOUTH_END_GREEN } from '../support/factories.js';
import { type Caller, RULES } from '../support/roles.js';
import { startTestServer, type TestServer, testUsers } from '../support/server.js';
import { codeOf, type HttpAnswer, openSocket, overHttp, overSocket, type SocketAnswer } from '../support/transports.js';

/**
 * A fuzz pass over every operation in the SDL, generated from it (so an operation added
 * later is covered without a line here), over HTTP and over graphql-ws: each argument,
 * and each field of each input object, in turn gets hostile values of its type while the
 * rest stay valid. Whatever comes back must be a stable, expected error code or an answer:
 * never INTERNAL_SERVER_ERROR, never a 5xx, and no table changed when the call was refused.
 */
const sdl = buildSchema(readFileSync(fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url)), 'utf8'));
const roots = { Query: sdl.getQueryType()!, Mutation: sdl.getMutationType()!, Subscription: sdl.getSubscriptionType()! };
const EXPECTED_CODES = new Set([
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'NOT_FOUND',
  'FORBIDDEN',
  'UNAUTHENTICATED',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'QUERY_TOO_COSTLY',
  'TOO_MANY_REQUESTS',
]);

const square = (lon: number, lat: number, d = 0.01) => [
  [
    [lon, lat],
    [lon + d, lat],
    [lon + d, lat + d],
    [lon, lat + d],
    [lon, lat],
  ],
];
const [LON, LAT] = SOUTH_END_GREEN;

/** Hostile values by type: what a careless or malicious client might send. */
const HOSTILE: Record<string, unknown[]> = {
  String: ['', 'x'.repeat(100_000), 'a\u0000b', 'lone \ud800', '\udc00', "'; drop table sites; --", '🕍'.repeat(500)],
  ID: ['', 'not-an-id', '00000000-0000-0000-0000-000000000000', '\u0000', 'x'.repeat(10_000)],
  Int: [-1, 0, 2 ** 31, -(2 ** 31), 1e308, 1.5],
  Float: [-1e308, 1e308, 'NaN', 1e-320, -0, 'Infinity'],
  Boolean: ['true', 0],
  DateTime: ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1970-01-01T00:00:00Z', 'nope', ''],
  GeoJSON: [
    { type: 'Point', coordinates: [LON, LAT, 120] },
    { type: 'Polygon', coordinates: [square(LON, LAT)[0]!.map(([x, y]) => [x, y, 35])] },
    {
      type: 'Polygon',
      coordinates: [
        [
          [LON, LAT],
          [LON, LAT],
          [LON, LAT],
          [LON, LAT],
        ],
      ],
    },
    { type: 'Polygon', coordinates: [] },
    { type: 'MultiPolygon', coordinates: [[[]]] },
    { type: 'Point', coordinates: [1e308, -1e308] },
    { type: 'GeometryCollection', geometries: [] },
    '{"type":"Point","coordinates":',
  ],
};

/** A valid value of an input type, taken where possible from the fixtures (`ids`). */
function valid(type: GraphQLInputType, name: string, ids: Record<string, string>, depth = 0): unknown {
  if (isNonNullType(type)) return valid(type.ofType, name, ids, depth);
  if (isListType(type)) return [valid(type.ofType, name, ids, depth)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isScalarType(type)) {
    const now = Date.now();
    const byName: Record<string, unknown> = {
      from: new Date(now - 3 * 86_400_000).toISOString(),
      to: new Date(now - 86_400_000).toISOString(),
      trainFrom: new Date(now - 60 * 86_400_000).toISOString(),
      trainTo: new Date(now - 30 * 86_400_000).toISOString(),
      testFrom: new Date(now - 30 * 86_400_000).toISOString(),
      testTo: new Date(now - 86_400_000).toISOString(),
      recordedAt: new Date(now - 60_000).toISOString(),
      email: 'fuzz@test.vigil',
      password: 'a long enough password',
      category: 'burglary',
      categories: 'burglary',
      longitude: LON,
      latitude: LAT,
      west: -0.2,
      south: 51.5,
      east: -0.1,
      north: 51.6,
      days: 7,
      requiredVisitsPerDay: 2,
      first: 10,
      boundary: { type: 'Polygon', coordinates: square(LON, LAT) },
      within: { type: 'Polygon', coordinates: square(LON - 0.02, LAT - 0.02, 0.05) },
    };
    if (name in byName) return byName[name];
    if (type.name === 'ID') return ids[name] ?? ids.id ?? '00000000-0000-4000-8000-000000000000';
    const byType: Record<string, unknown> = {
      String: 'fuzz',
      Int: 1,
      Float: 1,
      Boolean: true,
      DateTime: new Date(Date.now() - 86_400_000).toISOString(),
      GeoJSON: { type: 'Point', coordinates: [LON, LAT] },
    };
    return byType[type.name] ?? 'fuzz';
  }
  if (isInputObjectType(type) && depth < 4) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type) || ['from', 'to'].includes(f.name))
        .map((f) => [f.name, valid(f.type, f.name, ids, depth + 1)]),
    );
  }
  return null;
}

interface Leaf {
  path: (string | number)[];
  type: GraphQLInputType;
  /** The input objects and lists around it, outermost first: filled with valid values when the baseline leaves them out. */
  parents: { path: (string | number)[]; type: GraphQLInputType; name: string }[];
}

/** Every place in an argument a value can go: the argument itself and, inside input objects and lists, each field. */
function leaves(type: GraphQLInputType, path: (string | number)[], name: string, parents: Leaf['parents'] = [], depth = 0): Leaf[] {
  const inner = isNonNullType(type) ? type.ofType : type;
  const here: Leaf[] = [{ path, type, parents }];
  const within = [...parents, { path, type, name }];
  if (isListType(inner)) return [...here, ...leaves(inner.ofType, [...path, 0], name, within, depth)];
  if (isInputObjectType(inner) && depth < 3)
    return [...here, ...Object.values(inner.getFields()).flatMap((f) => leaves(f.type, [...path, f.name], f.name, within, depth + 1))];
  return here;
}

const getAt = (root: unknown, path: (string | number)[]) =>
  path.reduce<unknown>(
    (node, key) => (node && typeof node === 'object' ? (node as Record<string | number, unknown>)[key] : undefined),
    root,
  );

function hostileFor(type: GraphQLInputType): unknown[] {
  const inner = isNonNullType(type) ? type.ofType : type;
  const values: unknown[] = [null];
  if (isListType(inner)) values.push([], 'not a list');
  else if (isInputObjectType(inner)) values.push({}, 'not an object');
  else if (isEnumType(inner)) values.push('NOT_A_VALUE', '');
  else if (isScalarType(inner)) values.push(...(HOSTILE[inner.name] ?? HOSTILE.String!));
  return values;
}

function setAt(root: Record<string, unknown>, path: (string | number)[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(root);
  let node: Record<string | number, unknown> = copy;
  for (const [k, key] of path.entries()) {
    if (k === path.length - 1) node[key] = value;
    else {
      node[key] ??= typeof path[k + 1] === 'number' ? [] : {};
      node = node[key] as Record<string | number, unknown>;
    }
  }
  return copy;
}

/** The operation for a root field: every argument as a variable, and the arguments of the fields it returns too. */
function operationFor(kind: string, field: GraphQLField<unknown, unknown>) {
  const variables: { name: string; type: GraphQLInputType; arg: string }[] = field.args.map((a) => ({
    name: a.name,
    type: a.type,
    arg: a.name,
  }));
  const named = getNamedType(field.type);
  let selection = '';
  if (isObjectType(named)) {
    const nested: string[] = ['__typename'];
    const item = (named.getFields().nodes ? getNamedType(named.getFields().nodes!.type) : named) as GraphQLObjectType;
    for (const sub of Object.values(item.getFields()).filter((f) => f.args.length > 0)) {
      for (const a of sub.args) variables.push({ name: `${sub.name}_${a.name}`, type: a.type, arg: a.name });
      const args = sub.args.map((a) => `${a.name}: $${sub.name}_${a.name}`).join(', ');
      nested.push(`${sub.name}(${args})${isLeafType(getNamedType(sub.type)) ? '' : ' { __typename }'}`);
    }
    selection = item === named ? ` { ${nested.join(' ')} }` : ` { __typename nodes { ${nested.join(' ')} } }`;
  }
  const definitions = variables.map((v) => `$${v.name}: ${v.type.toString()}`).join(', ');
  const args = field.args.map((a) => `${a.name}: $${a.name}`).join(', ');
  return {
    query: `${kind.toLowerCase()} Fuzz${definitions ? `(${definitions})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`,
    variables,
  };
}

interface FuzzCase {
  key: string;
  kind: string;
  label: string;
  query: string;
  variables: Record<string, unknown>;
  caller: Caller;
}

function casesFor(kind: string, field: GraphQLField<unknown, unknown>, ids: Record<string, string>): FuzzCase[] {
  const key = `${kind}.${field.name}`;
  const caller = (['PLANNER', 'SUPERINTENDENT', 'ANALYST', 'DEVICE'] as const).find((c) => RULES[key]?.includes(c)) ?? 'SUPERINTENDENT';
  const { query, variables } = operationFor(kind, field);
  const baseline: Record<string, unknown> = Object.fromEntries(variables.map((v) => [v.name, valid(v.type, v.arg, ids)]));
  const cases: FuzzCase[] = [{ key, kind, label: 'valid', query, variables: baseline, caller }];
  for (const v of variables) {
    for (const leaf of leaves(v.type, [v.name], v.arg)) {
      // The objects around the leaf, valid, where the baseline left them out.
      let base = baseline;
      for (const parent of leaf.parents) {
        if (getAt(base, parent.path) == null) base = setAt(base, parent.path, valid(parent.type, parent.name, ids));
      }
      for (const value of hostileFor(leaf.type)) {
        cases.push({
          key,
          kind,
          label: `${leaf.path.join('.')}=${JSON.stringify(value)?.slice(0, 40)}`,
          query,
          variables: setAt(base, leaf.path, value),
          caller,
        });
      }
    }
  }
  return cases;
}

let t: TestServer;
const tokens: Partial<Record<Caller, string>> = {};
const ids: Record<string, string> = {};
beforeAll(async () => {
  // The fuzz pass sends a few thousand operations a minute: more than one caller's budget.
  t = await startTestServer({ RATE_LIMIT_PER_MINUTE: '1000000' });
  for (const role of ['ANALYST', 'PLANNER', 'SUPERINTENDENT'] as const) tokens[role] = await t.tokenFor(role);
  const unit = await makeUnit(t.em());
  const site = await makeSite(t.em());
  ids.unitId = unit.id;
  ids.id = site.id;
  // Operations only a device may call (its own unit's plan) are fuzzed with the unit's device token.
  tokens.DEVICE = (await t.gql(IssueDeviceTokenDocument, { unitId: unit.id }, tokens.PLANNER)).data!.issueDeviceToken.token;
  const zone = await t.gql(
    CreateZoneDocument,
    { input: { name: 'Fuzz zone', boundary: { type: 'Polygon', coordinates: square(LON, LAT) } } },
    tokens.PLANNER,
  );
  ids.zoneId = zone.data!.createZone.id;
  const request = await t.gql(
    RequestReassuranceVisitDocument,
    {
      input: {
        placeName: 'Fuzz school',
        kind: 'SCHOOL',
        requesterName: 'Fuzz',
        location: { type: 'Point', coordinates: offset(SOUTH_END_GREEN, 500, 0) },
      },
    },
    tokens.PLANNER,
  );
  ids.requestId = request.data!.requestReassuranceVisit.id;
  await t.gql(ApproveVisitRequestDocument, { id: ids.requestId, requiredVisitsPerDay: 2 }, tokens.PLANNER);
});
afterAll(() => t?.close());

/** Ids for the operations whose `id` is not a site's. */
function idsFor(key: string): Record<string, string> {
  if (/Zone$|\.zone$/.test(key)) return { ...ids, id: ids.zoneId! };
  if (/VisitRequest$/.test(key)) return { ...ids, id: ids.requestId! };
  if (key === 'Mutation.disableUser') return { ...ids, id: '00000000-0000-4000-8000-000000000001' };
  return ids;
}

const operations = Object.entries(roots)
  .flatMap(([kind, type]) => Object.values(type.getFields()).map((field) => ({ kind, field, key: `${kind}.${field.name}` })))
  // Signing out revokes the fuzzing caller's token: it goes last.
  .sort((a, b) => Number(a.key === 'Mutation.signOut') - Number(b.key === 'Mutation.signOut'));

/** What is wrong with an answer, if anything. */
function problemWith(answer: HttpAnswer | SocketAnswer): string | null {
  if ('status' in answer) {
    if (answer.status >= 500) return `HTTP ${answer.status}: ${answer.text.slice(0, 200)}`;
    if (!answer.body) return `not JSON (HTTP ${answer.status})`;
  } else if (answer.kind === 'refused') return `socket closed ${answer.code} ${answer.reason}`;
  const errors =
    'status' in answer
      ? answer.body?.errors
      : answer.kind === 'error'
        ? answer.errors
        : answer.kind === 'next'
          ? answer.result.errors
          : undefined;
  for (const e of errors ?? []) {
    const code = String(e.extensions?.code);
    if (!EXPECTED_CODES.has(code)) return `${code}: ${e.message.slice(0, 200)}`;
  }
  return null;
}

describe('a fuzz pass over every operation in the SDL', () => {
  it('over HTTP: no internal error, no 5xx, and a refused mutation changes no table', { timeout: 600_000 }, async () => {
    const problems: string[] = [];
    let count = 0;
    // The tables as the last mutation left them: a refusal must leave them so, anything else may change them.
    let tables: string | null = null;
    for (const { kind, field, key } of operations) {
      for (const c of casesFor(kind, field, idsFor(key))) {
        count++;
        if (kind === 'Mutation') tables ??= JSON.stringify(await tableChecksums(t.em()));
        const answer = await overHttp(t.url, { query: c.query, variables: c.variables }, { token: tokens[c.caller] });
        const problem = problemWith(answer);
        if (problem) problems.push(`${key} ${c.label}: ${problem}`);
        if (kind !== 'Mutation') continue;
        // Refused: the operation never ran, or its root field failed (not merely a field of what it returned).
        const refusedHere = (answer.body?.errors ?? []).some((e) => !e.path || e.path.length === 1);
        const after = JSON.stringify(await tableChecksums(t.em()));
        if (refusedHere && after !== tables) problems.push(`${key} ${c.label}: refused, yet tables changed`);
        tables = after;
      }
    }
    expect(count).toBeGreaterThan(1000);
    expect(problems).toEqual([]);
  });

  it('over graphql-ws: subscriptions under hostile arguments, and every query and mutation, answer cleanly', {
    timeout: 300_000,
  }, async () => {
    // Fresh tokens: the HTTP pass ended with signOut.
    for (const role of ['ANALYST', 'PLANNER', 'SUPERINTENDENT'] as const)
      tokens[role] = (await t.gql(LoginDocument, testUsers[role])).data!.login.token;
    const problems: string[] = [];
    const before = await tableChecksums(t.em());
    const socket = await openSocket(t.url, { token: tokens.SUPERINTENDENT });
    if ('kind' in socket) throw new Error(`socket refused: ${socket.code}`);
    try {
      for (const { kind, field, key } of operations.filter((o) => o.kind !== 'Subscription')) {
        for (const c of casesFor(kind, field, idsFor(key))) {
          const answer = await socket.send({ query: c.query, variables: c.variables });
          const problem =
            problemWith(answer) ??
            (codeOf(answer) === 'BAD_REQUEST' ||
            codeOf(answer) === 'GRAPHQL_VALIDATION_FAILED' ||
            codeOf(answer) === 'BAD_USER_INPUT' ||
            codeOf(answer) === 'QUERY_TOO_COSTLY'
              ? null
              : `answered ${answer.kind} ${codeOf(answer)}`);
          if (problem) problems.push(`${key} ${c.label}: ${problem}`);
        }
      }
    } finally {
      await socket.close();
    }
    for (const { kind, field, key } of operations.filter((o) => o.kind === 'Subscription')) {
      for (const c of casesFor(kind, field, idsFor(key))) {
        const answer = await overSocket(t.url, { query: c.query, variables: c.variables }, { token: tokens[c.caller] }, t.em());
        const problem = problemWith(answer);
        if (problem) problems.push(`${key} ${c.label}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expect(await tableChecksums(t.em())).toEqual(before);
  });
});
