/**
 * A page's nodes asked for as plain fields over HTTP are written by PostgreSQL as the
 * answer's JSON and put into the response unparsed (server/src/graphql/raw-json.ts,
 * incidentNodesSql). That answer must be graphql-js's own, to the key and the value: here
 * every shape of selection a generator makes (fields, aliases, repeats, fragments,
 * directives, __typename, other connection fields beside) is asked twice, once as
 * `nodes { … }` and once as `edges { node { … } }` (which graphql-js always answers
 * itself), over incidents with the awkward values stored data can hold.
 */
import { query, sql } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rng } from '../support/incidents.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let analyst: string;

/** Near Greenwich, so longitudes cross 0: -0, 1e-7 and 1e-5 are real places there. */
const BOX = { west: -0.02, south: 51.47, east: 0.02, north: 51.49 };
const AWKWARD = [
  'quote " backslash \\ slash /',
  'new\nline\ttab\r\u0001\u001f',
  'line separator \u2028 paragraph \u2029',
  'emoji 😀 é ñ 中文',
  '</script><b>',
  '',
  // What the splice looks for, in a stored value: it can never match (a fresh token per answer).
  'vigil-raw-json:00000000-0000-0000-0000-000000000000:0',
  '"vigil-raw-json:x:0"',
];

beforeAll(async () => {
  t = await startTestServer();
  analyst = await t.tokenFor('ANALYST');
  const em = t.em();
  // As text: a JavaScript -0 would reach PostgreSQL as "0".
  const longitudes = ['-0', '1e-7', '1e-5', '-0.0199999', '0.019', '0.0001234567890123'];
  const times = [
    '2026-03-01 12:00:00.999999+00',
    '2026-03-01 12:00:00.000001+00',
    '1969-12-31 23:59:59.9995+00',
    '0099-06-30 08:15:00.5+00',
    '2026-11-30 23:59:59.123456+00',
  ];
  const flags = [[], ['ANTISEMITIC'], ['RACIST', 'FAITH_OTHER', 'ANTI_MUSLIM']];
  for (let i = 0; i < 36; i++) {
    const precision = i % 7 === 3 ? 'MONTH' : 'EXACT';
    await query(
      em,
      sql`insert into incidents (id, source_ref, category, hate_crime_flags, occurred_at, occurred_precision, darkness,
            location, description, source, location_name, recorded_at)
          values (gen_random_uuid(), ${i % 5 === 0 ? null : AWKWARD[i % AWKWARD.length]! + i}, ${i % 2 ? 'vehicle-crime' : 'burglary'},
            ${flags[i % flags.length]!}::text[], ${times[i % times.length]!}::timestamptz - ${`${i} hours`}::interval,
            ${precision}::time_precision, ${precision === 'MONTH' ? 'UNKNOWN' : i % 2 ? 'DARK' : 'LIGHT'}::darkness,
            ST_SetSRID(ST_MakePoint(${longitudes[i % longitudes.length]!}::float8, ${51.471 + i * 0.0005}::float8), 4326),
            ${i % 4 === 1 ? null : AWKWARD[(i + 3) % AWKWARD.length]!}, ${i % 3 ? 'police.uk' : 'report'},
            ${i % 6 === 2 ? null : AWKWARD[(i + 5) % AWKWARD.length]!}, ${times[(i + 2) % times.length]!}::timestamptz)`,
    );
  }
});
afterAll(() => t?.close());

/** An answer of documents made up at run time: its shape is whatever the document asked for. */
// biome-ignore lint/suspicious/noExplicitAny: the documents are generated, so their answers have no static type
type Answer = { errors?: unknown[]; data: any };

async function post(document: string, variables: Record<string, unknown>): Promise<{ text: string; body: Answer }> {
  const response = await fetch(`${t.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${analyst}` },
    body: JSON.stringify({ query: document, variables }),
  });
  const text = await response.text();
  return { text, body: JSON.parse(text) as Answer };
}

const LEAVES = [
  'id',
  'sourceRef',
  'category',
  'hateCrimeFlags',
  'occurredAt',
  'occurredPrecision',
  'darkness',
  'location',
  'latitude',
  'longitude',
  'description',
  'source',
  'locationName',
  'recordedAt',
  '__typename',
];

/** One random selection of an Incident's fields (a body and the fragments it uses), and of the connection around it. */
function shape(random: () => number) {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const fragments: string[] = [];
  const fields = Array.from({ length: 1 + Math.floor(random() * 7) }, () => {
    const f = pick(LEAVES);
    const r = random();
    if (r < 0.2) return `${pick(['a', 'Lat', '_x', 'item_2', 'id', 'category'])}: ${f === '__typename' ? 'id' : f}`;
    if (r < 0.25) return `${f} @include(if: true)`;
    if (r < 0.28) return `${f} @skip(if: $skip)`;
    return f;
  });
  // Keep a response key to one field: a key asked twice must be the same field (the document would be invalid).
  const byKey = new Map<string, string>();
  const kept = fields.filter((f) => {
    const [key, field] = f.includes(':') ? f.split(':').map((s) => s.trim().split(' ')[0]!) : [f.split(' ')[0]!, f.split(' ')[0]!];
    if (byKey.has(key!) && byKey.get(key!) !== field) return false;
    byKey.set(key!, field!);
    return true;
  });
  const free = (key: string) => (byKey.get(key) ?? key) === key;
  let body = kept.join(' ');
  const wrap = random();
  if (wrap < 0.15) body = `... on Incident { ${body} }`;
  else if (wrap < 0.25 && free('id')) body = `... { ${body} } id`;
  else if (wrap < 0.35) {
    fragments.push(`fragment Parts on Incident { ${body} }`);
    body = `...Parts`;
  } else if (wrap < 0.4 && free('category')) body = `${body} ... on Incident @include(if: true) { category }`;
  const around = pick([
    '',
    'totalCount',
    'pageInfo { hasNextPage endCursor startCursor }',
    'totalCount totalCountIsExact pageInfo { endCursor }',
  ]);
  // The same list asked for twice under its key: graphql-js merges the two selections.
  const twice = random() < 0.15 && free('category') ? 'category' : null;
  return { body, fragments, around, twice };
}

function documents(s: ReturnType<typeof shape>) {
  const extra = s.twice ? ` nodes { ${s.twice} }` : '';
  const extraEdges = s.twice ? ` edges { node { ${s.twice} } }` : '';
  const tail = s.fragments.join('\n');
  const head = `query Page($filter: IncidentFilter, $first: Int, $after: String${(s.body + tail).includes('$skip') ? ', $skip: Boolean = false' : ''})`;
  return {
    nodes: `${head} { incidents(filter: $filter, first: $first, after: $after) { ${s.around} nodes { ${s.body} }${extra} } }\n${tail}`,
    edges: `${head} { incidents(filter: $filter, first: $first, after: $after) { ${s.around} edges { node { ${s.body} } }${extraEdges} } }\n${tail}`,
  };
}

describe('a page of incidents written by PostgreSQL', () => {
  it('is graphql-js’s own answer, key for key and value for value, for 120 random selections and pages', async () => {
    const random = rng(20261201);
    for (let n = 0; n < 120; n++) {
      const s = shape(random);
      const docs = documents(s);
      const variables = { filter: { bbox: BOX }, first: 1 + Math.floor(random() * 12) };
      let after: string | null = null;
      for (let page = 0; page < 6; page++) {
        const vars: Record<string, unknown> = { ...variables, after };
        const [raw, walked]: [{ text: string; body: Answer }, { text: string; body: Answer }] = await Promise.all([
          post(docs.nodes, vars),
          post(docs.edges, vars),
        ]);
        const context = `${docs.nodes} ${JSON.stringify(vars)}`;
        expect(raw.body.errors, context).toBeUndefined();
        expect(walked.body.errors, context).toBeUndefined();
        const { nodes, ...rest } = raw.body.data.incidents;
        const { edges, ...walkedRest } = walked.body.data.incidents;
        // Key order too: JSON.stringify of both as read keeps each object's keys in order.
        expect(JSON.stringify(nodes), context).toBe(JSON.stringify(edges.map((e: { node: unknown }) => e.node)));
        expect(rest, context).toEqual(walkedRest);
        if (!raw.body.data.incidents.pageInfo?.endCursor) break;
        after = raw.body.data.incidents.pageInfo.endCursor;
      }
    }
  });

  it('pages through every incident of the box in order, as graphql-js does, with the same cursors', async () => {
    const doc = (list: string) =>
      `query P($filter: IncidentFilter, $after: String) { incidents(filter: $filter, first: 5, after: $after) {
         totalCount pageInfo { hasNextPage startCursor endCursor } ${list} } }`;
    const walk = async (list: string, ids: (d: Answer['data']) => string[]) => {
      const seen: string[] = [];
      const infos: unknown[] = [];
      let after: string | null = null;
      for (;;) {
        const { body } = await post(doc(list), { filter: { bbox: BOX }, after });
        seen.push(...ids(body.data.incidents));
        infos.push(body.data.incidents.pageInfo);
        if (!body.data.incidents.pageInfo.hasNextPage) return { seen, infos };
        after = body.data.incidents.pageInfo.endCursor;
      }
    };
    const raw = await walk('nodes { id }', (d) => d.nodes.map((n: { id: string }) => n.id));
    const walked = await walk('edges { cursor node { id } }', (d) => d.edges.map((e: { node: { id: string } }) => e.node.id));
    const truth = await query<{ id: string }>(
      t.em(),
      sql`select id from incidents where ST_Intersects(location, ST_MakeEnvelope(${BOX.west}, ${BOX.south}, ${BOX.east}, ${BOX.north}, 4326))
          order by occurred_at desc, id desc`,
    );
    expect(raw.seen).toEqual(truth.map((r) => r.id));
    expect(raw.seen).toHaveLength(36);
    expect(raw).toEqual(walked);
  });

  it('is taken for plain fields (float8’s own notation shows it), and left to graphql-js for a directive', async () => {
    const doc = (nodes: string) => `query P($filter: IncidentFilter) { incidents(filter: $filter, first: 500) { nodes { ${nodes} } } }`;
    // PostgreSQL writes 1e-7 as 1e-07 and JavaScript as 1e-7: the same number, told apart only by who wrote it.
    const plain = await post(doc('id longitude'), { filter: { bbox: BOX } });
    expect(plain.text).toContain('"longitude":1e-07');
    expect(plain.body.data.incidents.nodes.some((n: { longitude: number }) => n.longitude === 1e-7)).toBe(true);
    // A stored -0 is answered as JSON.stringify answers it: 0.
    expect(plain.body.data.incidents.nodes.filter((n: { longitude: number }) => n.longitude === 0)).toHaveLength(6);
    expect(plain.body.data.incidents.nodes.some((n: { longitude: number }) => Object.is(n.longitude, -0))).toBe(false);
    const directed = await post(doc('id longitude @include(if: true)'), { filter: { bbox: BOX } });
    expect(directed.text).toContain('"longitude":1e-7');
    expect(directed.text).not.toContain('1e-07');
    expect(directed.body.data).toEqual(plain.body.data);
  });

  it('gives each of two aliased lists of one operation its own page', async () => {
    const { body } = await post(
      `query Two($a: IncidentFilter, $b: IncidentFilter) {
         dark: incidents(filter: $a, first: 3) { nodes { id darkness } }
         all: incidents(filter: $b, first: 4) { totalCount nodes { darkness id } }
       }`,
      { a: { bbox: BOX, darkness: 'DARK' }, b: { bbox: BOX } },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.dark.nodes).toHaveLength(3);
    expect(body.data.dark.nodes.every((n: { darkness: string }) => n.darkness === 'DARK')).toBe(true);
    expect(Object.keys(body.data.all.nodes[0])).toEqual(['darkness', 'id']);
    expect(body.data.all.nodes).toHaveLength(4);
    expect(body.data.all.totalCount).toBe(36);
  });

  it('answers a key longer than PostgreSQL’s 63-byte names through graphql-js, whole', async () => {
    const key = `k${'x'.repeat(70)}`;
    const { body } = await post(
      `query P($filter: IncidentFilter) { incidents(filter: $filter, first: 2) { nodes { ${key}: category id } } }`,
      {
        filter: { bbox: BOX },
      },
    );
    expect(body.errors).toBeUndefined();
    expect(Object.keys(body.data.incidents.nodes[0])).toEqual([key, 'id']);
  });
});
