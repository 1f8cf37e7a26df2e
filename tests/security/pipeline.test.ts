import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeSite } from '../support/factories.js';
import { eventually } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { codeOf, messagesOf, overHttp, overSocket } from '../support/transports.js';

/**
 * Issue 13, rows 1, 2 and 11: every operation passes the same checks before it runs,
 * whether it comes over HTTP or over graphql-ws — depth, aliases, tokens, cost, variables —
 * and its errors are formatted and masked the same way.
 */
let dev: TestServer;
let prod: TestServer;
let devAnalyst: string;
let prodAnalyst: string;
beforeAll(async () => {
  [dev, prod] = await Promise.all([startTestServer(), startTestServer({ VIGIL_ENV: 'production' })]);
  [devAnalyst, prodAnalyst] = await Promise.all([dev.tokenFor('ANALYST'), prod.tokenFor('ANALYST')]);
});
afterAll(() => Promise.all([dev?.close(), prod?.close()]));

const nest = (n: number, open: string, leaf: string) => `${open.repeat(n)}${leaf}${' }'.repeat(n * (open.split('{').length - 1))}`;
/** Row 1: `sites{nodes{visits(from:"1900…"){site{visits{…}}}}}`, 19 levels deep. */
const deepQuery = `{ sites { nodes { ${nest(8, 'visits(from: "1900-01-01T00:00:00Z") { site { ', 'id')} } } }`;
/** The same amplification as a live feed: each event would run it. */
const deepSubscription = `subscription { visitRecorded { ${nest(9, 'site { visits(from: "1900-01-01T00:00:00Z") { ', 'id')} } }`;

describe('row 1: a query nested 19 deep is refused before it runs, on both transports', () => {
  it('over HTTP: 400 GRAPHQL_VALIDATION_FAILED naming the depth limit', async () => {
    const answer = await overHttp(dev.url, { query: deepQuery }, { token: devAnalyst });
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(messagesOf(answer)).toMatch(/depth/i);
  });

  it('over graphql-ws: the same query, and the same shape as a subscription, get the same refusal', async () => {
    for (const query of [deepQuery, deepSubscription]) {
      const answer = await overSocket(dev.url, { query }, { token: devAnalyst });
      expect(answer.kind, query.slice(0, 40)).toBe('error');
      expect(codeOf(answer)).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(messagesOf(answer)).toMatch(/depth/i);
    }
  });
});

describe('row 2: in production, introspection and suggestions are off and errors masked, on both transports', () => {
  const introspection = '{ __type(name: "User") { fields { name } } }';

  it('introspection is refused over HTTP and over graphql-ws, and names no field', async () => {
    const http = await overHttp(prod.url, { query: introspection }, { token: prodAnalyst });
    expect(http.status).toBe(400);
    expect(codeOf(http)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(http.text).not.toMatch(/email/);
    const socket = await overSocket(prod.url, { query: introspection }, { token: prodAnalyst });
    expect(socket.kind).toBe('error');
    expect(messagesOf(socket)).not.toMatch(/email/);
    const schema = await overHttp(prod.url, { query: '{ __schema { types { name } } }' }, { token: prodAnalyst });
    expect(codeOf(schema)).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('no field suggestions over either transport', async () => {
    const http = await overHttp(prod.url, { query: '{ sitess { totalCount } }' }, { token: prodAnalyst });
    expect(codeOf(http)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(http.text).not.toMatch(/did you mean/i);
    const socket = await overSocket(prod.url, { query: 'subscription { visitRecorded { sitee { id } } }' }, { token: prodAnalyst });
    expect(codeOf(socket)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(messagesOf(socket)).not.toMatch(/did you mean/i);
  });

  it('31 aliases are refused over either transport', async () => {
    const aliases = Array.from({ length: 31 }, (_, k) => `a${k}: id`).join(' ');
    const http = await overHttp(prod.url, { query: `{ me { ${aliases} } }` }, { token: prodAnalyst });
    expect(http.status).toBe(400);
    expect(messagesOf(http)).toMatch(/alias/i);
    const socket = await overSocket(prod.url, { query: `subscription { visitRecorded { ${aliases} } }` }, { token: prodAnalyst });
    expect(codeOf(socket)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(messagesOf(socket)).toMatch(/alias/i);
  });

  it('a database failure reaches neither an HTTP client nor a live feed as SQL: only a reference', async () => {
    const site = await makeSite(prod.em());
    const feed = overSocket(prod.url, { query: 'subscription { siteOverdue { site { name } } }' }, { token: prodAnalyst });
    // Wait until the feed listens (its start is audited), then break the table it reads.
    const listening = await eventually(async () => {
      const [row] = await prod.em().execute(`select count(*)::int as n from audit_events where operation = 'siteOverdue'`);
      return row!.n > 0;
    });
    expect(listening).toBe(true);
    await prod.em().execute('alter table sites rename to sites_moved_away');
    try {
      const http = await overHttp(prod.url, { query: '{ sites { totalCount } }' }, { token: prodAnalyst });
      expect(codeOf(http)).toBe('INTERNAL_SERVER_ERROR');
      expect(messagesOf(http)).not.toMatch(/sites|select|relation/i);
      expect(http.body?.errors?.[0]?.extensions?.reference).toMatch(/^[0-9a-f]{8}$/);
      prod.server.pubSub.publish('siteOverdue', { siteId: site.id, dueBy: new Date().toISOString(), lastVisitAt: null });
      const socket = await feed;
      expect(['error', 'next']).toContain(socket.kind);
      expect(codeOf(socket)).toBe('INTERNAL_SERVER_ERROR');
      expect(messagesOf(socket)).not.toMatch(/sites|select|relation/i);
    } finally {
      await prod.em().execute('alter table sites_moved_away rename to sites');
    }
  });
});

describe('row 11: errors before execution are HTTP 400 with a stable code', () => {
  it('a variable that is not a DateTime: 400 BAD_USER_INPUT naming the variable, on both transports', async () => {
    const http = await overHttp(
      dev.url,
      { query: 'query ($t: DateTime!) { incidents(filter: { from: $t }) { totalCount } }', variables: { t: 'nope' } },
      { token: devAnalyst },
    );
    expect(http.status).toBe(400);
    expect(codeOf(http)).toBe('BAD_USER_INPUT');
    expect(messagesOf(http)).toMatch(/\$t/);
    const socket = await overSocket(
      dev.url,
      { query: 'subscription ($s: DateTime) { unitPositions(since: $s) { storedAt } }', variables: { s: 'nope' } },
      { token: devAnalyst },
    );
    expect(socket.kind).toBe('error');
    expect(codeOf(socket)).toBe('BAD_USER_INPUT');
  });

  it('more than 10,000 tokens: 400 GRAPHQL_PARSE_FAILED over HTTP, the same code over graphql-ws', async () => {
    const query = `{ me { ${'id '.repeat(10_001)} } }`;
    const http = await overHttp(dev.url, { query }, { token: devAnalyst });
    expect(http.status).toBe(400);
    expect(codeOf(http)).toBe('GRAPHQL_PARSE_FAILED');
    expect(messagesOf(http)).toMatch(/tokens/i);
    const socket = await overSocket(
      dev.url,
      { query: `subscription { visitRecorded { ${'id '.repeat(10_001)} } }` },
      { token: devAnalyst },
    );
    expect(codeOf(socket)).toBe('GRAPHQL_PARSE_FAILED');
  });
});

describe('graphql-ws carries live feeds only, through the same checks', () => {
  it('a query or mutation sent over the socket is refused with a clear error; a subscription over HTTP too', async () => {
    const query = await overSocket(dev.url, { query: '{ me { id } }' }, { token: devAnalyst });
    expect(query.kind).toBe('error');
    expect(codeOf(query)).toBe('BAD_REQUEST');
    expect(messagesOf(query)).toMatch(/subscriptions only.*HTTP/i);
    const mutation = await overSocket(dev.url, { query: 'mutation { signOut }' }, { token: devAnalyst });
    expect(codeOf(mutation)).toBe('BAD_REQUEST');
    // Nothing ran: the token still works.
    expect(codeOf(await overHttp(dev.url, { query: '{ me { id } }' }, { token: devAnalyst }))).toBeUndefined();
    const overPost = await overHttp(dev.url, { query: 'subscription { visitRecorded { id } }' }, { token: devAnalyst });
    expect(overPost.status).toBe(400);
    expect(codeOf(overPost)).toBe('BAD_REQUEST');
    expect(messagesOf(overPost)).toMatch(/graphql-ws/);
  });

  it('one socket holds at most 20 live feeds: the 21st is refused, the others keep running', async () => {
    const before = dev.server.liveOperations();
    const socket = new WebSocket(`${dev.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    const messages: { id?: string; type: string; payload?: { extensions?: { code?: string } }[] }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${devAnalyst}` } }));
    await eventually(() => messages.some((m) => m.type === 'connection_ack'));
    for (let k = 1; k <= 20; k++)
      socket.send(JSON.stringify({ id: String(k), type: 'subscribe', payload: { query: 'subscription { visitRecorded { id } }' } }));
    await eventually(() => dev.server.liveOperations() === before + 20);
    socket.send(JSON.stringify({ id: '21', type: 'subscribe', payload: { query: 'subscription { visitRecorded { id } }' } }));
    const refused = await eventually(() => messages.find((m) => m.id === '21'));
    expect(refused).toMatchObject({ type: 'error', payload: [{ extensions: { code: 'TOO_MANY_REQUESTS' } }] });
    expect(dev.server.liveOperations()).toBe(before + 20);
    socket.terminate();
    await eventually(() => dev.server.liveOperations() === before);
  });

  it('closing a socket ends its feeds on the server', async () => {
    const before = dev.server.liveOperations();
    // A raw socket, closed without saying goodbye (no `complete`), as a dropped connection is.
    const socket = new WebSocket(`${dev.url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${devAnalyst}` } }));
    await new Promise((resolve) => socket.once('message', resolve));
    socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { visitRecorded { id } }' } }));
    await eventually(() => dev.server.liveOperations() > before);
    socket.terminate();
    await eventually(() => dev.server.liveOperations() === before);
  });
});
