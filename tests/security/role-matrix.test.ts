import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { IssueDeviceTokenDocument, LoginDocument } from '@vigil/schema';
import {
  buildSchema,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableChecksums } from '../support/checksum.js';
import { makeUnit } from '../support/factories.js';
import { type Caller, EVERYONE, RULES } from '../support/roles.js';
import { startTestServer, type TestServer, testUsers } from '../support/server.js';
import { codeOf, openSocket, overHttp, overSocket } from '../support/transports.js';

const sdl = readFileSync(fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url)), 'utf8');
const schema = buildSchema(sdl);
const roots = { Query: schema.getQueryType()!, Mutation: schema.getMutationType()!, Subscription: schema.getSubscriptionType()! };
const operations = Object.entries(roots).flatMap(([kind, type]) =>
  Object.values(type.getFields()).map((field) => ({ kind, field, key: `${kind}.${field.name}` })),
);

/** A plausible value of a GraphQL input type: enough to get past validation to the auth check. */
function sample(type: GraphQLInputType, depth = 0): unknown {
  if (isNonNullType(type)) return sample(type.ofType, depth);
  if (isListType(type)) return [sample(type.ofType, depth)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isScalarType(type)) {
    const samples: Record<string, unknown> = {
      ID: randomUUID(),
      String: 'x',
      Int: 1,
      Float: 1,
      Boolean: true,
      DateTime: '2026-01-01T00:00:00Z',
      GeoJSON: { type: 'Point', coordinates: [-0.1658, 51.5563] },
    };
    return samples[type.name] ?? 'x';
  }
  if (isInputObjectType(type) && depth < 4) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, sample(f.type, depth + 1)]),
    );
  }
  return null;
}

function document(kind: string, field: GraphQLField<unknown, unknown>) {
  const required = field.args.filter((a: GraphQLArgument) => isNonNullType(a.type));
  const vars = required.map((a) => `$${a.name}: ${a.type.toString()}`).join(', ');
  const args = required.map((a) => `${a.name}: $${a.name}`).join(', ');
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return {
    query: `${kind.toLowerCase()} Probe${vars ? `(${vars})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`,
    variables: Object.fromEntries(required.map((a) => [a.name, sample(a.type)])),
  };
}

/** A refusal by the role rules, as opposed to any other error (bad input, not found…). */
const refused = (errors: { message: string; extensions?: { code?: unknown } }[] | undefined) =>
  (errors ?? []).some(
    (e) => e.extensions?.code === 'FORBIDDEN' || (e.extensions?.code === 'UNAUTHENTICATED' && /needs a signed-in caller/.test(e.message)),
  );

let t: TestServer;
const tokens: Partial<Record<Caller, string>> = {};
/** Arguments that must name real things for the rule to be what is tested (a device's own unit). */
const overrides: Record<string, Record<string, unknown>> = {};
beforeAll(async () => {
  t = await startTestServer();
  for (const role of ['ANALYST', 'PLANNER', 'SUPERINTENDENT'] as const) tokens[role] = await t.tokenFor(role);
  // The device probes with a real device token for a real unit, and ingests for that unit.
  const unit = await makeUnit(t.em());
  const issued = await t.gql(IssueDeviceTokenDocument, { unitId: unit.id }, tokens.PLANNER);
  tokens.DEVICE = issued.data!.issueDeviceToken.token;
  overrides['Mutation.recordPositions'] = { unitId: unit.id };
  overrides['Mutation.issueDeviceToken'] = { unitId: (await makeUnit(t.em())).id };
});
afterAll(() => t?.close());

describe('the role matrix covers every operation in the SDL, over HTTP and over graphql-ws', () => {
  it('every query, mutation and subscription has a rule', () => {
    expect(operations.map((o) => o.key).sort()).toEqual(Object.keys(RULES).sort());
  });

  it('over HTTP, each query and mutation is allowed exactly for the roles its rule names', async () => {
    const outcome: Record<string, Caller[]> = {};
    // signOut revokes the caller's tokens: run it last.
    const ordered = operations
      .filter((o) => o.kind !== 'Subscription')
      .sort((a, b) => Number(a.key === 'Mutation.signOut') - Number(b.key === 'Mutation.signOut'));
    for (const { kind, field, key } of ordered) {
      const { query, variables } = document(kind, field);
      Object.assign(variables, overrides[key]);
      outcome[key] = [];
      for (const caller of EVERYONE) {
        const response = await fetch(`${t.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            ...(tokens[caller as 'DEVICE'] ? { authorization: `Bearer ${tokens[caller as 'DEVICE']}` } : {}),
          },
          body: JSON.stringify({ query, variables }),
        });
        const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: unknown } }[] };
        if (body.errors?.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED'))
          throw new Error(`${key}: probe did not validate: ${JSON.stringify(body.errors)}`);
        if (!refused(body.errors)) outcome[key].push(caller);
      }
    }
    const expected = Object.fromEntries(ordered.map((o) => [o.key, RULES[o.key]]));
    expect(outcome).toEqual(expected);

    // Every mutation called above left audit rows — allowed, refused or failed alike.
    const audited = await t
      .em()
      .execute<{ operation: string; outcomes: string[] }[]>(
        `select operation, array_agg(distinct split_part(outcome, ':', 1)) as outcomes from audit_events group by operation`,
      );
    const byOperation = new Map(audited.map((r) => [r.operation, r.outcomes]));
    for (const { field } of ordered.filter((o) => o.kind === 'Mutation')) {
      expect(byOperation.get(field.name), `audit rows for ${field.name}`).toBeDefined();
      if (field.name !== 'login') expect(byOperation.get(field.name), `refusals of ${field.name} audited`).toContain('DENIED');
    }
  });

  it('over HTTP, subscriptions are refused for every caller: live feeds run over graphql-ws', async () => {
    await freshTokens();
    for (const { kind, field, key } of operations.filter((o) => o.kind === 'Subscription')) {
      const { query, variables } = document(kind, field);
      for (const caller of EVERYONE) {
        const answer = await overHttp(t.url, { query, variables }, { token: tokens[caller] });
        expect([key, caller, answer.status, codeOf(answer)]).toEqual([key, caller, 400, 'BAD_REQUEST']);
      }
    }
  });

  it('over graphql-ws, each subscription is allowed exactly for the roles its rule names', async () => {
    await freshTokens();
    const outcome: Record<string, Caller[]> = {};
    for (const { kind, field, key } of operations.filter((o) => o.kind === 'Subscription')) {
      const { query, variables } = document(kind, field);
      outcome[key] = [];
      for (const caller of EVERYONE) {
        const answer = await overSocket(t.url, { query, variables }, { token: tokens[caller] }, t.em());
        if (answer.kind === 'error' && answer.errors.some((e) => e.extensions?.code === 'GRAPHQL_VALIDATION_FAILED'))
          throw new Error(`${key}: probe did not validate: ${JSON.stringify(answer.errors)}`);
        // Anonymous callers and devices are refused at the socket (4403); others by role, or listening.
        if (answer.kind === 'listening' || (answer.kind === 'next' && !refused(answer.result.errors as never))) outcome[key].push(caller);
      }
    }
    expect(outcome).toEqual(Object.fromEntries(Object.keys(outcome).map((k) => [k, RULES[k]])));
  });

  it('over graphql-ws, every query and mutation is refused for every caller before it runs', async () => {
    await freshTokens();
    const before = await tableChecksums(t.em());
    const outcome: Record<string, string[]> = {};
    for (const caller of EVERYONE) {
      const socket = await openSocket(t.url, { token: tokens[caller] });
      if ('kind' in socket) {
        // No token, or a device's: the socket itself is refused, so no operation is ever read.
        expect([caller, socket.code]).toEqual([caller, 4403]);
        continue;
      }
      try {
        for (const { kind, field, key } of operations.filter((o) => o.kind !== 'Subscription')) {
          const { query, variables } = document(kind, field);
          Object.assign(variables, overrides[key]);
          const answer = await socket.send({ query, variables });
          outcome[key] = [...(outcome[key] ?? []), `${caller}:${answer.kind}:${codeOf(answer)}`];
        }
      } finally {
        await socket.close();
      }
    }
    const signedIn = EVERYONE.filter((c) => c !== 'ANONYMOUS' && c !== 'DEVICE');
    expect(outcome).toEqual(
      Object.fromEntries(
        operations.filter((o) => o.kind !== 'Subscription').map((o) => [o.key, signedIn.map((c) => `${c}:error:BAD_REQUEST`)]),
      ),
    );
    expect(await tableChecksums(t.em())).toEqual(before);
    // signOut was refused too: every token still works.
    for (const caller of signedIn)
      expect(codeOf(await overHttp(t.url, { query: '{ me { id } }' }, { token: tokens[caller] }))).toBeUndefined();
  });
});

/** Fresh tokens: the HTTP matrix signed every role out. */
async function freshTokens(): Promise<void> {
  for (const role of ['ANALYST', 'PLANNER', 'SUPERINTENDENT'] as const)
    tokens[role] = (await t.gql(LoginDocument, testUsers[role])).data!.login.token;
  tokens.DEVICE = (
    await t.gql(IssueDeviceTokenDocument, { unitId: overrides['Mutation.recordPositions']!.unitId as string }, tokens.PLANNER)
  ).data!.issueDeviceToken.token;
}
