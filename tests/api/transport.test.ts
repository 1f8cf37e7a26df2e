import { AppConfigDocument, MeDocument } from '@vigil/schema';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ TILE_URL: 'https://tiles.example.test/{z}/{x}/{y}.png' });
});
afterAll(() => t?.close());

/** Opens a graphql-ws connection and resolves once the server acknowledges it (or rejects on close). */
function handshake(url: string, connectionParams: Record<string, unknown>): Promise<'acknowledged'> {
  return new Promise((resolve, reject) => {
    const client = createClient({
      url: `${url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams,
      retryAttempts: 0,
      lazy: false,
      on: {
        connected: () => {
          void client.dispose();
          resolve('acknowledged');
        },
        closed: (event) => reject(new Error(`closed with ${(event as { code?: number }).code}`)),
      },
      onNonLazyError: reject,
    });
  });
}

describe('one port serves HTTP GraphQL, WebSocket GraphQL and health', () => {
  it('answers { __typename } over HTTP', async () => {
    const response = await fetch(`${t.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });

  it('reports health with the database it runs on', async () => {
    const response = await fetch(`${t.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: t.db.kind });
  });

  it('completes a graphql-ws handshake on the same port for a signed-in caller', async () => {
    const token = await t.tokenFor('ANALYST');
    await expect(handshake(t.url, { authorization: `Bearer ${token}` })).resolves.toBe('acknowledged');
  });

  it('refuses a WebSocket connection without a valid token', async () => {
    await expect(handshake(t.url, {})).rejects.toThrow(/closed with 4403/);
    await expect(handshake(t.url, { authorization: 'Bearer not-a-token' })).rejects.toThrow(/closed with 4403/);
  });

  it('refuses a GET mutation-like request without a CSRF-safe header', async () => {
    const response = await fetch(`${t.url}/graphql?query=${encodeURIComponent('{ __typename }')}`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/CSRF/);
  });

  it('gives signed-in callers the map settings from configuration', async () => {
    const token = await t.tokenFor('SUPERINTENDENT');
    const result = await t.gql(AppConfigDocument, {}, token);
    expect(result.data?.appConfig).toEqual({
      tileUrl: 'https://tiles.example.test/{z}/{x}/{y}.png',
      tileAttribution: '',
      visitRadiusMetres: 50,
      visitGapSeconds: 120,
      metricSrid: 27700,
    });
  });

  it('tells anonymous callers to sign in, with a stable code', async () => {
    const result = await t.gql(MeDocument, {});
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(result.errors?.[0]?.message).toMatch(/Query\.me needs a signed-in caller/);
  });
});
