import {
  AuditEventsCsvDocument,
  AuditEventsDocument,
  CreateUserDocument,
  DisableUserDocument,
  LoginDocument,
  MeDocument,
  SignOutDocument,
  UsersDocument,
} from '@vigil/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, testUsers } from '../support/server.js';

let t: TestServer;
let supt: string;
beforeAll(async () => {
  t = await startTestServer();
  supt = await t.tokenFor('SUPERINTENDENT');
});
afterAll(() => t?.close());

describe('accounts, sessions and the audit log', () => {
  it('a superintendent creates an account that can sign in; others cannot create accounts', async () => {
    const created = await t.gql(
      CreateUserDocument,
      { input: { email: 'New.Analyst@Test.Vigil', displayName: 'New analyst', role: 'ANALYST', password: 'a long enough password' } },
      supt,
    );
    expect(created.data?.createUser).toMatchObject({ email: 'new.analyst@test.vigil', role: 'ANALYST' });
    const login = await t.gql(LoginDocument, { email: 'new.analyst@test.vigil', password: 'a long enough password' });
    expect(login.data?.login.user.role).toBe('ANALYST');
    const short = await t.gql(
      CreateUserDocument,
      { input: { email: 'x@test.vigil', displayName: 'X', role: 'ANALYST', password: 'short' } },
      supt,
    );
    expect(short.errors?.[0]?.message).toMatch(/^input\.password: /);
    const byPlanner = await t.gql(
      CreateUserDocument,
      { input: { email: 'y@test.vigil', displayName: 'Y', role: 'ANALYST', password: 'a long enough password' } },
      await t.tokenFor('PLANNER'),
    );
    expect(byPlanner.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const list = await t.gql(UsersDocument, {}, supt);
    expect(list.data?.users.map((u) => u.email)).toContain('new.analyst@test.vigil');
  });

  it('signing out revokes the token at once; a disabled account can neither sign in nor use its tokens', async () => {
    const login = await t.gql(LoginDocument, testUsers.ANALYST);
    const token = login.data!.login.token;
    expect((await t.gql(MeDocument, {}, token)).data?.me.email).toBe(testUsers.ANALYST.email);
    expect((await t.gql(SignOutDocument, {}, token)).data?.signOut).toBe(true);
    expect((await t.gql(MeDocument, {}, token)).errors?.[0]).toMatchObject({
      message: 'Token has been revoked: sign in again',
      extensions: { code: 'UNAUTHENTICATED' },
    });

    const victim = await t.gql(
      CreateUserDocument,
      { input: { email: 'leaver@test.vigil', displayName: 'Leaver', role: 'PLANNER', password: 'a long enough password' } },
      supt,
    );
    const leaverToken = (await t.gql(LoginDocument, { email: 'leaver@test.vigil', password: 'a long enough password' })).data!.login.token;
    await t.gql(DisableUserDocument, { id: victim.data!.createUser.id }, supt);
    expect((await t.gql(MeDocument, {}, leaverToken)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(
      (await t.gql(LoginDocument, { email: 'leaver@test.vigil', password: 'a long enough password' })).errors?.[0]?.extensions?.code,
    ).toBe('UNAUTHENTICATED');
  });

  it('five wrong passwords lock the account for a while, even with the right password', async () => {
    await t.gql(
      CreateUserDocument,
      { input: { email: 'target@test.vigil', displayName: 'Target', role: 'ANALYST', password: 'the right password' } },
      supt,
    );
    for (let k = 0; k < 5; k++) {
      const wrong = await t.gql(LoginDocument, { email: 'target@test.vigil', password: `guess ${k}` });
      expect(wrong.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    }
    const locked = await t.gql(LoginDocument, { email: 'Target@test.vigil', password: 'the right password' });
    expect(locked.errors?.[0]).toMatchObject({ extensions: { code: 'TOO_MANY_REQUESTS' } });
    expect(locked.errors?.[0]?.message).toMatch(/^Too many failed sign-ins for this account from this address: try again in \d+ minutes?$/);
    // Other accounts are not affected.
    expect((await t.gql(LoginDocument, testUsers.PLANNER)).data?.login.token).toBeTruthy();
  });

  it('superintendents read the audit log, filtered and as CSV; nobody else can', async () => {
    const logins = await t.gql(AuditEventsDocument, { filter: { operation: 'login', outcome: 'DENIED' }, first: 3 }, supt);
    expect(logins.errors).toBeUndefined();
    expect(logins.data?.auditEvents.totalCount).toBeGreaterThanOrEqual(6);
    expect(logins.data?.auditEvents.nodes).toHaveLength(3);
    expect(logins.data?.auditEvents.nodes.every((e) => e.operation === 'login' && e.outcome === 'DENIED')).toBe(true);
    const next = await t.gql(
      AuditEventsDocument,
      { filter: { operation: 'login', outcome: 'DENIED' }, first: 3, after: logins.data!.auditEvents.pageInfo.endCursor },
      supt,
    );
    expect(Number(next.data!.auditEvents.nodes[0]!.id)).toBeLessThan(Number(logins.data!.auditEvents.nodes[2]!.id));
    const csv = (await t.gql(AuditEventsCsvDocument, { filter: { operation: 'createUser' } }, supt)).data!.auditEventsCsv;
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,at,actor_id,actor_role,operation,target_ids,outcome,client_address');
    expect(lines.slice(1).every((l) => l.split(',')[4] === 'createUser')).toBe(true);
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const role of ['ANALYST', 'PLANNER'] as const) {
      expect((await t.gql(AuditEventsDocument, {}, await t.tokenFor(role))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });
});
