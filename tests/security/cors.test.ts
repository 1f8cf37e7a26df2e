import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Browsers on other origins reach the API only where CORS_ORIGINS names them: a page on
 * any other site may not read answers (site locations, incidents) with a user's token.
 */
const ALLOWED = 'https://control-room.example';
const STRANGER = 'https://evil.example';

/** A browser's preflight for a POST with a bearer token, and the actual request after it. */
async function fromOrigin(url: string, origin: string) {
  const preflight = await fetch(`${url}/graphql`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
  });
  const actual = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { origin, 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  return {
    preflightAllows: preflight.headers.get('access-control-allow-origin'),
    preflightMethods: preflight.headers.get('access-control-allow-methods'),
    actualAllows: actual.headers.get('access-control-allow-origin'),
    credentials: actual.headers.get('access-control-allow-credentials'),
  };
}

describe('CORS: other origins only where configured', () => {
  let closed: TestServer;
  let open: TestServer;
  beforeAll(async () => {
    closed = await startTestServer();
    open = await startTestServer({ CORS_ORIGINS: ALLOWED });
  });
  afterAll(async () => {
    await closed?.close();
    await open?.close();
  });

  it('by default no origin is allowed: neither the preflight nor the answer carries an allow header', async () => {
    for (const origin of [STRANGER, ALLOWED]) {
      expect(await fromOrigin(closed.url, origin)).toEqual({
        preflightAllows: null,
        preflightMethods: null,
        actualAllows: null,
        credentials: null,
      });
    }
  });

  it('a configured origin is allowed, without credentials; any other still is not', async () => {
    const allowed = await fromOrigin(open.url, ALLOWED);
    expect(allowed.preflightAllows).toBe(ALLOWED);
    expect(allowed.preflightMethods).toMatch(/POST/);
    expect(allowed.actualAllows).toBe(ALLOWED);
    expect(allowed.credentials).toBeNull();
    expect(await fromOrigin(open.url, STRANGER)).toMatchObject({ preflightAllows: null, actualAllows: null });
  });
});
