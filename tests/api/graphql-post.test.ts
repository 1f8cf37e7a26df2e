import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * A JSON POST to /graphql is answered without Express (server/src/http/graphql-post.ts);
 * the same request with `Content-Encoding: identity` still goes through Express and
 * express.json. Each request here is sent both ways: the answers must be the same, status,
 * headers that matter and body, for good requests and bad ones.
 */
let t: TestServer;
let token: string;
beforeAll(async () => {
  t = await startTestServer();
  token = await t.tokenFor('ANALYST');
});
afterAll(() => t?.close());

interface Answer {
  status: number;
  cacheControl: string | undefined;
  contentType: string | undefined;
  body: unknown;
}

/** Sends `body` (chunked when `chunked`), through Express when `viaExpress`. */
function post(body: string | Buffer, { viaExpress = false, chunked = false, contentType = 'application/json', auth = true } = {}) {
  return new Promise<Answer>((resolve, reject) => {
    const req = http.request(
      `${t.url}/graphql`,
      {
        method: 'POST',
        headers: {
          'content-type': contentType,
          ...(auth ? { authorization: `Bearer ${token}` } : {}),
          ...(viaExpress ? { 'content-encoding': 'identity' } : {}),
          ...(chunked ? {} : { 'content-length': Buffer.byteLength(body) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {}
          resolve({
            status: res.statusCode!,
            cacheControl: res.headers['cache-control'],
            contentType: res.headers['content-type'],
            body: parsed,
          });
        });
      },
    );
    req.on('error', reject);
    if (chunked) {
      // Written in pieces, without a length: the limit must hold on what arrives.
      const piece = 256 * 1024;
      for (let at = 0; at < body.length; at += piece) req.write(body.slice(at, at + piece));
      req.end();
    } else req.end(body);
  });
}

const query = (q: string, variables?: unknown) => JSON.stringify({ query: q, variables });
const big = query('query ($s: String) { me { id } }', { s: 'z'.repeat(2_200_000) });

const cases: { name: string; body: string; chunked?: boolean; contentType?: string; auth?: boolean; status: number; code?: string }[] = [
  { name: 'a query', body: query('{ me { id role } }'), status: 200 },
  { name: 'a query, charset named', body: query('{ me { id } }'), contentType: 'application/json; charset=utf-8', status: 200 },
  { name: 'a query without a token', body: query('{ me { id } }'), auth: false, status: 200, code: 'UNAUTHENTICATED' },
  { name: 'a field the role may not read', body: query('{ auditEvents(first: 1) { totalCount } }'), status: 200, code: 'FORBIDDEN' },
  {
    name: 'a variable of the wrong type',
    body: query('query ($n: Int) { incidents(first: $n) { totalCount } }', { n: 'x' }),
    status: 400,
    code: 'BAD_USER_INPUT',
  },
  { name: 'a syntax error', body: query('{ me { id }'), status: 400, code: 'GRAPHQL_PARSE_FAILED' },
  { name: 'not JSON', body: '{"query": "{ me { id } }"', status: 400, code: 'BAD_REQUEST' },
  { name: 'JSON but not an object', body: '5', status: 400, code: 'BAD_REQUEST' },
  { name: 'a JSON string', body: '"{ me { id } }"', status: 400, code: 'BAD_REQUEST' },
  { name: 'a batch', body: JSON.stringify([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]), status: 400, code: 'BAD_REQUEST' },
  { name: 'no query', body: '{}', status: 400, code: 'BAD_REQUEST' },
  { name: 'a body over 2 MB, its length declared', body: big, status: 413, code: 'PAYLOAD_TOO_LARGE' },
  { name: 'a body over 2 MB, sent in chunks', body: big, chunked: true, status: 413, code: 'PAYLOAD_TOO_LARGE' },
  {
    name: 'a body just under 2 MB, in chunks',
    body: query('query ($s: String) { me { id } }', { s: 'z'.repeat(2_000_000) }),
    chunked: true,
    status: 400,
    code: 'GRAPHQL_VALIDATION_FAILED',
  },
];

describe('a JSON POST to /graphql, answered without Express', () => {
  it.each(cases)('answers $name as Express does', async (c) => {
    const options = { chunked: c.chunked, contentType: c.contentType, auth: c.auth };
    const direct = await post(c.body, options);
    const express = await post(c.body, { ...options, viaExpress: true });
    expect(direct).toEqual(express);
    expect(direct.status).toBe(c.status);
    expect(direct.cacheControl).toBe('no-store');
    expect(direct.contentType).toMatch(/^application\/(graphql-response\+)?json; charset=utf-8$/);
    const errors = (direct.body as { errors?: { extensions?: { code?: string } }[] }).errors;
    if (c.code) expect(errors?.[0]?.extensions?.code).toBe(c.code);
    else expect(errors).toBeUndefined();
  });
});
