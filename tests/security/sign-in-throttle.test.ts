import { CreateUserDocument } from '@vigil/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { realPostgres, startPeer } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { codeOf, overHttp } from '../support/transports.js';

/**
 * Issue 13, rows 3 and 6: at most 5 wrong passwords are ever evaluated per account and
 * client address in the window, however many arrive at once and on however many server
 * processes; a stranger's failures never lock the owner out of their own address.
 */
let t: TestServer;
let supt: string;
let peer: { url: string; close(): Promise<void> } | undefined;
beforeAll(async () => {
  t = await startTestServer();
  supt = await t.tokenFor('SUPERINTENDENT');
  // Two server processes on one database where there can be two (a real PostgreSQL).
  if (realPostgres) peer = await startPeer(t);
});
afterAll(async () => {
  await peer?.close();
  await t?.close();
});

const password = 'the owner’s own password';
async function account(email: string): Promise<void> {
  const created = await t.gql(CreateUserDocument, { input: { email, displayName: email, role: 'ANALYST', password } }, supt);
  expect(created.errors).toBeUndefined();
}
const login = (url: string, email: string, pass: string, localAddress?: string) =>
  overHttp(
    url,
    { query: 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', variables: { e: email, p: pass } },
    { localAddress },
  );
type Answer = Awaited<ReturnType<typeof login>>;
const signedIn = (a: Answer) => Boolean((a.body?.data as { login?: { token?: string } } | null)?.login?.token);
/** Evaluated: the password was checked (right: a token; wrong: "Wrong e-mail or password"). */
const evaluated = (a: Answer) => signedIn(a) || codeOf(a) === 'UNAUTHENTICATED';

describe('row 3: concurrent sign-ins cannot evaluate more than 5 wrong passwords', () => {
  it('41 sign-ins at once (40 wrong, the right one among them), over two server processes: at most 5 evaluated, the rest refused unevaluated', async () => {
    await account('concurrent@test.vigil');
    const urls = [t.url, peer?.url ?? t.url];
    const answers = await Promise.all(
      Array.from({ length: 41 }, (_, k) => login(urls[k % 2]!, 'concurrent@test.vigil', k === 20 ? password : `wrong guess ${k}`)),
    );
    const checked = answers.filter(evaluated);
    expect(checked.length).toBeGreaterThan(0);
    expect(checked.length).toBeLessThanOrEqual(5);
    const refused = answers.filter((a) => !evaluated(a));
    expect(refused.map(codeOf)).toEqual(refused.map(() => 'TOO_MANY_REQUESTS'));
    expect(answers.every((a) => a.status < 500)).toBe(true);
    // And later ones too, the right password included: the address has used its five.
    const after = await login(t.url, 'concurrent@test.vigil', password);
    expect(signedIn(after) || codeOf(after) === 'TOO_MANY_REQUESTS').toBe(true);
    if (!answers.some(signedIn)) expect(codeOf(after)).toBe('TOO_MANY_REQUESTS');
  });
});

describe('row 6: a stranger cannot lock the owner out', () => {
  it('five wrong passwords from another address throttle that address, not the owner at theirs', async () => {
    await account('owner@test.vigil');
    for (let k = 0; k < 5; k++) {
      expect(codeOf(await login(t.url, 'owner@test.vigil', `stranger ${k}`, '127.0.0.2'))).toBe('UNAUTHENTICATED');
    }
    // The stranger's address is done for the window, even with the right password...
    const stranger = await login(t.url, 'owner@test.vigil', password, '127.0.0.2');
    expect(codeOf(stranger)).toBe('TOO_MANY_REQUESTS');
    expect(stranger.body?.errors?.[0]?.message).toMatch(/from this address: try again in \d+ minutes?$/);
    // ...while the owner, at their own address, signs in.
    expect(signedIn(await login(t.url, 'owner@test.vigil', password, '127.0.0.1'))).toBe(true);
  });

  it('strangers at many addresses slow the account down but never shut the owner out', async () => {
    await account('target@test.vigil');
    const strangers = ['127.0.0.3', '127.0.0.4', '127.0.0.5'];
    await Promise.all(
      strangers.map(async (address) => {
        for (let k = 0; k < 6; k++) await login(t.url, 'target@test.vigil', `guess ${k}`, address);
      }),
    );
    // 15 wrong passwords were evaluated for the account; the owner still gets in.
    const owner = await login(t.url, 'target@test.vigil', password, '127.0.0.1');
    expect(signedIn(owner)).toBe(true);
    // Each stranger address had exactly five evaluated, its sixth refused unevaluated.
    const [row] = await t.em().execute<{ denied: number; throttled: number }[]>(
      `select count(*) filter (where outcome = 'DENIED')::int as denied,
                count(*) filter (where outcome = 'ERROR:TOO_MANY_REQUESTS')::int as throttled
         from audit_events where operation = 'login' and 'target@test.vigil' = any(target_ids)`,
    );
    expect(row).toEqual({ denied: 15, throttled: 3 });
  });
});
