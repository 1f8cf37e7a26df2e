import { CreateUserDocument, DisableUserDocument, LoginDocument, MeDocument, SignOutDocument, UnitPositionsDocument } from '@vigil/schema';
import { issueToken, Role, User } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUnit, SOUTH_END_GREEN } from '../support/factories.js';
import { eventually, post, startPeer, subscribe } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { itUnless, needsRealPostgres } from '../support/skips.js';

/**
 * A graphql-ws socket is authorised when it connects. These check that a live feed does
 * not outlive its token: sign-out, a disabled account and expiry close it (code 4401,
 * which the dashboard takes as "signed out"), and nobody else's feed is touched.
 */
let t: TestServer;
let supt: string;
beforeAll(async () => {
  t = await startTestServer();
  supt = await t.tokenFor('SUPERINTENDENT');
});
afterAll(() => t?.close());

const password = 'a long enough password';
async function account(email: string): Promise<{ id: string; token: string }> {
  const created = await t.gql(CreateUserDocument, { input: { email, displayName: email, role: 'ANALYST', password } }, supt);
  const token = (await t.gql(LoginDocument, { email, password })).data!.login.token;
  return { id: created.data!.createUser.id, token };
}
/** Resolves with the close code once the feed's socket is closed by the server. */
const closeCode = (feed: { next: (p: () => boolean) => Promise<unknown> }) =>
  feed
    .next(() => false)
    .then(
      () => null,
      (error: Error) => Number(/socket closed with (\d+)/.exec(error.message)?.[1]),
    );

describe('live feeds end with their token', () => {
  it('signing out closes every open feed of the account at once; another account keeps its feed', async () => {
    const leaver = await account('leaver@test.vigil');
    const stayer = await account('stayer@test.vigil');
    // Two sockets of the same account, as on two machines, and one of someone else.
    const first = await subscribe(t.em(), t.url, leaver.token, UnitPositionsDocument, {});
    const second = await subscribe(t.em(), t.url, leaver.token, UnitPositionsDocument, {});
    const other = await subscribe(t.em(), t.url, stayer.token, UnitPositionsDocument, {});

    expect((await t.gql(SignOutDocument, {}, leaver.token)).data?.signOut).toBe(true);
    expect(await closeCode(first)).toBe(4401);
    expect(await closeCode(second)).toBe(4401);

    // The other account's feed is still open and still delivers.
    const unit = await makeUnit(t.em(), { callSign: 'LS-1' });
    t.server.publishPositions(unit.id, [{ recordedAt: new Date(), longitude: SOUTH_END_GREEN[0], latitude: SOUTH_END_GREEN[1] }]);
    expect((await other.next((e) => e.unitPositions.unit.id === unit.id)).unitPositions.positions).toHaveLength(1);
    // A fresh sign-in after the sign-out gets a socket that stays open.
    const again = (await t.gql(LoginDocument, { email: 'leaver@test.vigil', password })).data!.login.token;
    const renewed = await subscribe(t.em(), t.url, again, UnitPositionsDocument, {});
    t.server.publishPositions(unit.id, [{ recordedAt: new Date(), longitude: SOUTH_END_GREEN[0], latitude: SOUTH_END_GREEN[1] }]);
    expect((await renewed.next((e) => e.unitPositions.unit.id === unit.id)).unitPositions.unit.callSign).toBe('LS-1');
    await Promise.all([other.close(), renewed.close()]);
  });

  it('disabling an account closes its open feeds', async () => {
    const disabled = await account('disabled@test.vigil');
    const feed = await subscribe(t.em(), t.url, disabled.token, UnitPositionsDocument, {});
    expect((await t.gql(DisableUserDocument, { id: disabled.id }, supt)).errors).toBeUndefined();
    expect(await closeCode(feed)).toBe(4401);
  });

  it('a feed closes when its token expires', async () => {
    const brief = await account('brief@test.vigil');
    const user = await t.em().findOneOrFail(User, { id: brief.id });
    // A token that lives 3 seconds: valid now (the API accepts it), expired soon after.
    const token = await issueToken(t.config.jwtSecret, { userId: user.id, role: Role.ANALYST, tokenVersion: user.tokenVersion }, 3);
    expect((await t.gql(MeDocument, {}, token)).data?.me.email).toBe('brief@test.vigil');
    const feed = await subscribe(t.em(), t.url, token, UnitPositionsDocument, {});
    expect(await closeCode(feed)).toBe(4401);
    expect((await t.gql(MeDocument, {}, token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  // Two server processes share a database only on a real PostgreSQL (the embedded one serves one).
  itUnless(needsRealPostgres('two server processes share one database'))(
    'a token another server has checked lately stops working there once it is signed out here',
    async () => {
      const peer = await startPeer(t);
      try {
        const user = await account('roaming@test.vigil');
        // The peer checks the token and keeps it (CallerCache).
        expect((await post(peer.url, MeDocument, {}, user.token)).data?.me.email).toBe('roaming@test.vigil');
        expect((await t.gql(SignOutDocument, {}, user.token)).data?.signOut).toBe(true);
        // The revocation reaches the peer through LISTEN/NOTIFY, within moments.
        const refused = await eventually(async () => (await post(peer.url, MeDocument, {}, user.token)).errors?.[0]);
        expect(refused.extensions?.code).toBe('UNAUTHENTICATED');
      } finally {
        await peer.close();
      }
    },
  );
});
