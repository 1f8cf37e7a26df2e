import { LoginDocument } from '@vigil/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, testUsers } from '../support/server.js';
import { statementsDuring } from '../support/statements.js';
import { codeOf, overHttp, overSocket } from '../support/transports.js';

/**
 * Issue 13, row 8: the request budget and the checked-token cache are keyed on who the
 * caller is once the token is verified (or the client address when it is not), never on
 * the text of the Authorization header.
 */
const BUDGET = 60;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ RATE_LIMIT_PER_MINUTE: String(BUDGET) });
});
afterAll(() => t?.close());

/** The same bearer token written as clients might: any case, any spacing. */
const spellings = (token: string) => [
  `Bearer ${token}`,
  `bearer ${token}`,
  `BEARER  ${token}`,
  `Bearer\t${token}`,
  ` Bearer ${token} `,
  `bEaReR ${token}`,
];

describe('row 8: one budget per caller, however the header is written', () => {
  it(`${BUDGET + 10} requests with one token in six spellings: ${BUDGET} answered, the rest 429 with Retry-After`, async () => {
    const token = await t.tokenFor('ANALYST');
    const variants = spellings(token);
    const answers = [];
    for (let k = 0; k < BUDGET + 10; k++) {
      answers.push(await overHttp(t.url, { query: '{ me { id } }' }, { authorization: variants[k % variants.length] }));
    }
    // tokenFor's own sign-in came from the address, not from this caller: all 60 are the analyst's.
    expect(answers.filter((a) => a.status === 200)).toHaveLength(BUDGET);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).toHaveLength(10);
    expect(refused.map(codeOf)).toEqual(refused.map(() => 'RATE_LIMITED'));
    expect(Number(refused[0]!.headers['retry-after'])).toBeGreaterThan(0);
    // The socket draws on the same budget: a live feed is refused too.
    const socket = await overSocket(t.url, { query: 'subscription { visitRecorded { id } }' }, { token });
    expect(socket.kind === 'refused' || codeOf(socket) === 'RATE_LIMITED').toBe(true);
  });

  it('two tokens of one account share its budget', async () => {
    const first = (await t.gql(LoginDocument, testUsers.PLANNER)).data!.login.token;
    const second = (await t.gql(LoginDocument, testUsers.PLANNER)).data!.login.token;
    const statuses: number[] = [];
    for (let k = 0; k < BUDGET + 4; k++)
      statuses.push((await overHttp(t.url, { query: '{ me { id } }' }, { token: k % 2 ? first : second })).status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(BUDGET);
    expect(statuses.slice(BUDGET)).toEqual([429, 429, 429, 429]);
  });

  it('tokens that fail verification are counted against the client address, however they vary', async () => {
    const statuses: number[] = [];
    for (let k = 0; k < BUDGET + 3; k++) {
      const answer = await overHttp(
        t.url,
        { query: '{ me { id } }' },
        { authorization: `Bearer forged.${k}.token`, localAddress: '127.0.0.7' },
      );
      statuses.push(answer.status);
    }
    expect(statuses.slice(0, BUDGET).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(BUDGET)).toEqual([429, 429, 429]);
    // Another address is not affected.
    expect((await overHttp(t.url, { query: '{ me { id } }' }, { authorization: 'Bearer forged', localAddress: '127.0.0.8' })).status).toBe(
      401,
    );
  });

  it('the checked-token cache is keyed on the verified token: six spellings read the account once', async () => {
    const token = await t.tokenFor('SUPERINTENDENT');
    const statements = await statementsDuring(t, async () => {
      for (const authorization of spellings(token)) {
        expect(codeOf(await overHttp(t.url, { query: '{ me { id } }' }, { authorization }))).toBeUndefined();
      }
    });
    // `me` itself reads the user row once per request; the token check adds one read in all.
    const userReads = statements.filter((s) => /from "users"/.test(s));
    expect(userReads.length).toBeLessThanOrEqual(spellings(token).length + 1);
  });
});
