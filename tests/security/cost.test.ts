import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { storePositions } from '@vigil/server';
import {
  buildSchema,
  type GraphQLInputType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type OperationDefinitionNode,
  parse,
  print,
  typeFromAST,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSite, makeUnit, offset, SOUTH_END_GREEN, stay } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { statementsDuring } from '../support/statements.js';
import { codeOf, messagesOf, overHttp, overSocket } from '../support/transports.js';

/**
 * Issue 13, row 4: every list that grows with data is paged or capped and counted by the
 * cost estimate, so an amplification query is refused before it runs.
 */
let t: TestServer;
let supt: string;
let siteId: string;
const rules = { radiusMetres: 50, gapSeconds: 120 };
const day = 86_400_000;
beforeAll(async () => {
  t = await startTestServer();
  supt = await t.tokenFor('SUPERINTENDENT');
  // Ten sites, each visited 30 times over the last 30 days by one unit.
  const unit = await makeUnit(t.em());
  const now = Date.now();
  for (let s = 0; s < 10; s++) {
    const at = offset(SOUTH_END_GREEN, s * 400, 0);
    const site = await makeSite(t.em(), { at });
    if (s === 0) siteId = site.id;
    for (let d = 0; d < 30; d++) {
      await storePositions(t.em(), unit.id, stay(at, new Date(now - (d + 1) * day + s * 600_000), 2, { everySeconds: 30 }), rules);
    }
  }
});
afterAll(() => t?.close());

/** Row 4: each level multiplies the answer by the visits of every site. */
const amplification = (levels: number) =>
  `{ sites(first: 500) { nodes { ${'visits(from: "1900-01-01T00:00:00Z") { site { '.repeat(levels)}name${' } }'.repeat(levels)} } } }`;

describe('row 4: an amplification query is refused before it runs', () => {
  it('over HTTP: QUERY_TOO_COSTLY with 400, and not one statement reads visits', async () => {
    let answer: Awaited<ReturnType<typeof overHttp>> | undefined;
    const statements = await statementsDuring(t, async () => {
      answer = await overHttp(t.url, { query: amplification(4) }, { token: supt });
    });
    expect(answer!.status).toBe(400);
    expect(codeOf(answer!)).toBe('QUERY_TOO_COSTLY');
    expect(statements.filter((s) => /visits/.test(s))).toEqual([]);
  });

  it('even two levels of visits inside a page of sites are refused', async () => {
    const answer = await overHttp(t.url, { query: amplification(2) }, { token: supt });
    expect(codeOf(answer)).toBe('QUERY_TOO_COSTLY');
  });

  it('over graphql-ws: the same amplification inside a live feed is refused', async () => {
    const query = `subscription { visitRecorded { site { visits { site { visits { site { visits { id } } } } } } } }`;
    const answer = await overSocket(t.url, { query }, { token: supt });
    expect(answer.kind).toBe('error');
    expect(codeOf(answer)).toBe('QUERY_TOO_COSTLY');
    expect(messagesOf(answer)).toMatch(/points/);
  });
});

describe('Site.visits is paged and its window capped', () => {
  it('`first` bounds the visits of a site, newest first; more than 500 is refused', async () => {
    const query = 'query ($id: ID!, $from: DateTime, $first: Int) { site(id: $id) { visits(from: $from, first: $first) { enteredAt } } }';
    const from = new Date(Date.now() - 60 * day).toISOString();
    const ten = await overHttp(t.url, { query, variables: { id: siteId, from, first: 10 } }, { token: supt });
    expect(ten.body?.errors).toBeUndefined();
    const visits = (ten.body!.data as { site: { visits: { enteredAt: string }[] } }).site.visits;
    expect(visits).toHaveLength(10);
    const times = visits.map((v) => Date.parse(v.enteredAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const all = await overHttp(t.url, { query, variables: { id: siteId, from, first: 500 } }, { token: supt });
    expect((all.body!.data as { site: { visits: unknown[] } }).site.visits).toHaveLength(30);
    const tooMany = await overHttp(t.url, { query, variables: { id: siteId, from, first: 501 } }, { token: supt });
    expect(codeOf(tooMany)).toBe('BAD_USER_INPUT');
    expect(messagesOf(tooMany)).toMatch(/first/);
  });

  it('a window longer than the retention period is refused, naming the argument', async () => {
    const answer = await overHttp(
      t.url,
      {
        query: `query ($id: ID!) { site(id: $id) { visits(from: "0001-01-01T00:00:00Z", to: "2026-01-01T00:00:00Z") { id } } }`,
        variables: { id: siteId },
      },
      { token: supt },
    );
    expect(codeOf(answer)).toBe('BAD_USER_INPUT');
    expect(answer.body?.errors?.[0]?.extensions?.field).toBe('from');
  });
});

describe('a trace is bounded however dense its fixes', () => {
  it('three hours and a half at 1 Hz (12,600 fixes) come back as at most 5,000 points and a line of at most 5,000 vertices', async () => {
    const dense = await makeUnit(t.em());
    const start = new Date(Date.now() - 2 * day);
    const fixes = Array.from({ length: 12_600 }, (_, k) => {
      const [longitude, latitude] = offset(SOUTH_END_GREEN, (k % 600) * 2, Math.floor(k / 600) * 2);
      return { recordedAt: new Date(start.getTime() + k * 1000), longitude, latitude };
    });
    await storePositions(t.em(), dense.id, fixes, rules);
    const answer = await overHttp(
      t.url,
      {
        query: `query ($u: ID!, $from: DateTime!, $to: DateTime!) { patrolTrace(unitId: $u, from: $from, to: $to) { fixCount line points { recordedAt } } }`,
        variables: { u: dense.id, from: start.toISOString(), to: new Date(start.getTime() + day).toISOString() },
      },
      { token: supt },
    );
    expect(answer.body?.errors).toBeUndefined();
    const trace = (answer.body!.data as { patrolTrace: { fixCount: number; line: { coordinates: unknown[] }; points: unknown[] } })
      .patrolTrace;
    expect(trace.fixCount).toBe(12_600);
    expect(trace.points.length).toBeLessThanOrEqual(5000);
    expect(trace.line.coordinates.length).toBeLessThanOrEqual(5000);
    expect(answer.text.length).toBeLessThan(1_000_000);
  });
});

const sdl = buildSchema(readFileSync(fileURLToPath(new URL('../../schema/schema.graphql', import.meta.url)), 'utf8'));
/** A value of the type, required fields only: enough for the checks before execution. */
function sample(type: GraphQLInputType): unknown {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return [sample(type.ofType)];
  if (isEnumType(type)) return type.getValues()[0]!.value;
  if (isInputObjectType(type))
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, sample(f.type)]),
    );
  const scalars: Record<string, unknown> = {
    ID: '00000000-0000-4000-8000-000000000000',
    Int: 1,
    Float: 1,
    Boolean: true,
    DateTime: '2026-01-01T00:00:00Z',
    GeoJSON: { type: 'Point', coordinates: [-0.1658, 51.5563] },
  };
  return scalars[(type as { name: string }).name] ?? 'x';
}

describe('the dashboard and the shared documents stay inside the limits', () => {
  const operationsDir = fileURLToPath(new URL('../../schema/operations/', import.meta.url));
  const files = readdirSync(operationsDir).filter((f) => f.endsWith('.graphql'));
  // Fragments may live in any file of the folder.
  const fragments = readdirSync(operationsDir)
    .filter((f) => f.endsWith('.graphql'))
    .flatMap((f) => parse(readFileSync(`${operationsDir}${f}`, 'utf8')).definitions.filter((d) => d.kind === 'FragmentDefinition'));
  const documents = files.flatMap((file) => {
    const document = parse(readFileSync(`${operationsDir}${file}`, 'utf8'));
    return document.definitions
      .filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition' && d.operation === 'query')
      .map((d) => {
        // The fragments it spreads, and the ones those spread.
        let query = print(d);
        for (let added = true; added; ) {
          added = false;
          for (const f of fragments) {
            if (f.kind !== 'FragmentDefinition' || !query.includes(`...${f.name.value}`) || query.includes(`fragment ${f.name.value} `))
              continue;
            query += `\n${print(f)}`;
            added = true;
          }
        }
        return { name: d.name!.value, definitions: d.variableDefinitions ?? [], query };
      });
  });

  it('no shared query is refused as too costly, with variables of the declared types', async () => {
    expect(documents.length).toBeGreaterThan(10);
    const refused: string[] = [];
    for (const { name, query, definitions } of documents) {
      // The cost is checked before anything runs: variables only need the right types (and `first` at its largest).
      const variables = Object.fromEntries(
        definitions.map((d) => [
          d.variable.name.value,
          d.variable.name.value === 'first' ? 500 : sample(typeFromAST(sdl, d.type as never) as GraphQLInputType),
        ]),
      );
      const answer = await overHttp(t.url, { query, variables }, { token: supt });
      if (codeOf(answer) === 'QUERY_TOO_COSTLY') refused.push(`${name}: ${messagesOf(answer)}`);
      expect(codeOf(answer), `${name}: ${messagesOf(answer)}`).not.toBe('GRAPHQL_VALIDATION_FAILED');
    }
    expect(refused).toEqual([]);
  });

  it('a page of 500 sites with their coverage and last visit is allowed', async () => {
    const answer = await overHttp(
      t.url,
      { query: '{ sites(first: 500) { nodes { name latitude lastVisit { enteredAt unit { callSign } } coverage { state } } } }' },
      { token: supt },
    );
    expect(answer.body?.errors).toBeUndefined();
  });

  it('one query text sent again and again is costed by the variables of each request', async () => {
    // The estimate is kept per document and scalar variables (graphql/cost.ts): a verdict
    // kept for the text alone would let the costly request through after a cheap one.
    const query = `query Amplified($n: Int, $deep: Boolean!, $from: DateTime!) {
      sites(first: $n) { nodes { visits(from: $from) { site { name visits(from: $from) @include(if: $deep) { site { name } } } } } }
    }`;
    const from = new Date(Date.now() - 7 * day).toISOString();
    const verdicts: unknown[] = [];
    for (const variables of [
      { n: 1, deep: true },
      { n: 500, deep: true },
      { n: 1, deep: true },
      { n: 500, deep: false },
      { n: 500, deep: true },
    ]) {
      const answer = await overHttp(t.url, { query, variables: { ...variables, from } }, { token: supt });
      verdicts.push(codeOf(answer) ?? (answer.body?.errors ? 'error' : 'answered'));
    }
    expect(verdicts).toEqual(['answered', 'QUERY_TOO_COSTLY', 'answered', 'answered', 'QUERY_TOO_COSTLY']);
  });
});
