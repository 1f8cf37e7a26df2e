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
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeUnit } from '../support/factories.js';
import { startTestServer, type TestServer, testUsers } from '../support/server.js';

/**
 * Who may call what: the README's role table, as data. The test reads the SDL, so an
 * operation added without a line here fails it.
 */
type Caller = 'ANONYMOUS' | 'DEVICE' | 'ANALYST' | 'PLANNER' | 'SUPERINTENDENT';
const READERS: Caller[] = ['ANALYST', 'PLANNER', 'SUPERINTENDENT'];
const EVERYONE: Caller[] = ['ANONYMOUS', 'DEVICE', 'ANALYST', 'PLANNER', 'SUPERINTENDENT'];
const RULES: Record<string, Caller[]> = {
  'Query.appConfig': READERS,
  'Query.me': READERS,
  'Query.zones': READERS,
  'Query.zone': READERS,
  'Query.sites': READERS,
  'Query.site': READERS,
  'Query.incidents': READERS,
  'Query.crimeCategories': READERS,
  'Query.incidentPoints': READERS,
  'Query.places': READERS,
  'Query.patrolUnits': READERS,
  'Query.patrolTrace': READERS,
  'Query.operations': READERS,
  'Query.hotspots': READERS,
  'Query.hotspotAccuracy': READERS,
  'Query.incidentTrend': READERS,
  'Query.coverage': READERS,
  'Query.overdueSites': READERS,
  'Query.visitRequests': ['PLANNER', 'SUPERINTENDENT'],
  'Query.previewZone': ['PLANNER', 'SUPERINTENDENT'],
  // Plans are made (and their progress watched) by planners and superintendents; a device reads its own unit's.
  'Query.patrolPlan': ['PLANNER', 'SUPERINTENDENT'],
  'Query.unitPlan': ['PLANNER', 'SUPERINTENDENT'],
  'Query.patrolPlans': ['PLANNER', 'SUPERINTENDENT'],
  'Query.myPlan': ['DEVICE'],
  'Mutation.savePatrolPlan': ['PLANNER', 'SUPERINTENDENT'],
  'Query.users': ['SUPERINTENDENT'],
  'Query.auditEvents': ['SUPERINTENDENT'],
  'Query.auditEventsCsv': ['SUPERINTENDENT'],
  'Mutation.login': EVERYONE,
  'Mutation.createSite': ['PLANNER'],
  'Mutation.updateSite': ['PLANNER'],
  'Mutation.archiveSite': ['PLANNER'],
  'Mutation.createZone': ['PLANNER'],
  'Mutation.updateZone': ['PLANNER'],
  'Mutation.deleteZone': ['PLANNER'],
  'Mutation.approveVisitRequest': ['PLANNER'],
  'Mutation.rejectVisitRequest': ['PLANNER'],
  // Device accounts are accounts: superintendents manage them too.
  'Mutation.issueDeviceToken': ['PLANNER', 'SUPERINTENDENT'],
  'Mutation.revokeDeviceTokens': ['PLANNER', 'SUPERINTENDENT'],
  'Mutation.reportIncident': ['ANALYST', 'PLANNER'],
  'Mutation.importIncidents': ['ANALYST', 'PLANNER'],
  'Mutation.requestReassuranceVisit': READERS,
  'Mutation.createUser': ['SUPERINTENDENT'],
  'Mutation.disableUser': ['SUPERINTENDENT'],
  'Mutation.recordPositions': ['DEVICE', 'PLANNER', 'SUPERINTENDENT'],
  'Mutation.signOut': ['DEVICE', 'ANALYST', 'PLANNER', 'SUPERINTENDENT'],
  'Subscription.unitPositions': READERS,
  'Subscription.visitRecorded': READERS,
  'Subscription.siteOverdue': READERS,
  'Subscription.incidentReported': READERS,
};

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

describe('the role matrix covers every operation in the SDL', () => {
  it('every query, mutation and subscription has a rule', () => {
    expect(operations.map((o) => o.key).sort()).toEqual(Object.keys(RULES).sort());
  });

  it('each query and mutation is allowed exactly for the roles its rule names', async () => {
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

  it('each subscription is allowed exactly for the roles its rule names', async () => {
    // Fresh tokens: the previous test signed every role out.
    for (const role of ['ANALYST', 'PLANNER', 'SUPERINTENDENT'] as const)
      tokens[role] = (await t.gql(LoginDocument, testUsers[role])).data!.login.token;
    tokens.DEVICE = (
      await t.gql(IssueDeviceTokenDocument, { unitId: overrides['Mutation.recordPositions']!.unitId as string }, tokens.PLANNER)
    ).data!.issueDeviceToken.token;
    const outcome: Record<string, Caller[]> = {};
    for (const { kind, field, key } of operations.filter((o) => o.kind === 'Subscription')) {
      const { query, variables } = document(kind, field);
      outcome[key] = [];
      for (const caller of EVERYONE) {
        const allowed = await new Promise<boolean>((resolve) => {
          const client = createClient({
            url: `${t.url.replace(/^http/, 'ws')}/graphql`,
            webSocketImpl: WebSocket,
            connectionParams: tokens[caller as 'DEVICE'] ? { authorization: `Bearer ${tokens[caller as 'DEVICE']}` } : {},
            retryAttempts: 0,
          });
          const timer = setTimeout(() => finish(true), 700);
          const finish = (value: boolean) => {
            clearTimeout(timer);
            void client.dispose();
            resolve(value);
          };
          client.subscribe(
            { query, variables },
            {
              next: (message) => finish(!refused(message.errors as never)),
              error: (error) =>
                finish(
                  !(Array.isArray(error) ? refused(error as never) : true) && !(error instanceof Error || 'code' in (error as object)),
                ),
              complete: () => finish(true),
            },
          );
        });
        if (allowed) outcome[key].push(caller);
      }
    }
    expect(outcome).toEqual(Object.fromEntries(Object.keys(outcome).map((k) => [k, RULES[k]])));
  });
});
