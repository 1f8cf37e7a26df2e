import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { codeOf, overHttp, overSocket } from '../support/transports.js';

/**
 * Issue 13, row 12: a token is accepted only with the issuer, an issue time and an expiry,
 * and never for longer than its kind lives (8 hours a session, a year a device), even
 * when it is signed with the right key.
 */
let t: TestServer;
let analystId: string;
beforeAll(async () => {
  t = await startTestServer();
  await t.tokenFor('ANALYST');
  analystId = (await t.em().execute(`select id from users where role = 'ANALYST' limit 1`))[0]!.id;
});
afterAll(() => t?.close());

const nowSeconds = () => Math.floor(Date.now() / 1000);
type Claims = { iss?: string; iat?: number; exp?: number; role?: string };
async function signed(
  { iss = 'vigil', iat = nowSeconds(), exp = nowSeconds() + 3600, role = 'ANALYST' }: Claims,
  omit: (keyof Claims)[] = [],
) {
  const jwt = new SignJWT({ role, ver: 0 }).setProtectedHeader({ alg: 'HS256' }).setSubject(analystId);
  if (!omit.includes('iss')) jwt.setIssuer(iss);
  if (!omit.includes('iat')) jwt.setIssuedAt(iat);
  if (!omit.includes('exp')) jwt.setExpirationTime(exp);
  return jwt.sign(new TextEncoder().encode(t.config.jwtSecret));
}

describe('row 12: tokens need exp, iat and the issuer, within a maximum age', () => {
  it('a well-formed token signed with the server key is accepted (the control)', async () => {
    const token = await signed({});
    expect(codeOf(await overHttp(t.url, { query: '{ me { id } }' }, { token }))).toBeUndefined();
    expect((await overSocket(t.url, { query: 'subscription { visitRecorded { id } }' }, { token }, t.em())).kind).toBe('listening');
  });

  it.each([
    ['no exp', () => signed({}, ['exp'])],
    ['no iat', () => signed({}, ['iat'])],
    ['no issuer', () => signed({}, ['iss'])],
    ['another issuer', () => signed({ iss: 'vigil-staging' })],
    ['a session token living ten years', () => signed({ exp: nowSeconds() + 10 * 365 * 86_400 })],
    ['a session token issued nine hours ago, still unexpired', () => signed({ iat: nowSeconds() - 9 * 3600, exp: nowSeconds() + 3600 })],
    ['issued in the future', () => signed({ iat: nowSeconds() + 3600, exp: nowSeconds() + 7200 })],
  ])('%s: refused over HTTP (401) and at the socket (4403)', async (_name, make) => {
    const token = await make();
    const http = await overHttp(t.url, { query: '{ me { id } }' }, { token });
    expect(http.status).toBe(401);
    expect(codeOf(http)).toBe('UNAUTHENTICATED');
    const socket = await overSocket(t.url, { query: 'subscription { visitRecorded { id } }' }, { token });
    expect(socket).toMatchObject({ kind: 'refused', code: 4403 });
  });
});
