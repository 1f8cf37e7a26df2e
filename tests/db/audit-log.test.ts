import { LoginDocument } from '@vigil/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, testUsers } from '../support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const auditRows = () =>
  t
    .em()
    .getConnection()
    .execute<{ operation: string; outcome: string; actor_role: string | null; target_ids: string[]; client_address: string | null }[]>(
      `select operation, outcome, actor_role, target_ids, client_address from audit_events order by id`,
    );

describe('sign-in and the audit log', () => {
  it('a correct password returns a token and the user; the sign-in is audited with the role and address', async () => {
    const result = await t.gql(LoginDocument, testUsers.PLANNER);
    expect(result.errors).toBeUndefined();
    expect(result.data?.login.user).toMatchObject({ email: testUsers.PLANNER.email, role: 'PLANNER' });
    expect(result.data?.login.token.split('.')).toHaveLength(3);
    const rows = await auditRows();
    expect(rows.at(-1)).toMatchObject({
      operation: 'login',
      outcome: 'SUCCESS',
      actor_role: 'PLANNER',
      target_ids: [testUsers.PLANNER.email, result.data?.login.user.id],
    });
    expect(rows.at(-1)?.client_address).toMatch(/127\.0\.0\.1/);
  });

  it('a wrong password and an unknown e-mail get the same UNAUTHENTICATED answer, and both are audited', async () => {
    const before = (await auditRows()).length;
    const wrong = await t.gql(LoginDocument, { email: testUsers.PLANNER.email, password: 'nope' });
    const unknown = await t.gql(LoginDocument, { email: 'nobody@test.vigil', password: 'nope' });
    for (const r of [wrong, unknown]) {
      expect(r.data).toBeNull();
      expect(r.errors?.[0]).toMatchObject({ message: 'Wrong e-mail or password', extensions: { code: 'UNAUTHENTICATED' } });
    }
    const rows = (await auditRows()).slice(before);
    expect(rows.map((r) => [r.operation, r.outcome])).toEqual([
      ['login', 'DENIED'],
      ['login', 'DENIED'],
    ]);
  });

  it('the audit log refuses UPDATE, DELETE and TRUNCATE at the database level', async () => {
    const conn = t.em().getConnection();
    await expect(conn.execute(`update audit_events set outcome = 'SUCCESS'`)).rejects.toThrow(/append-only/);
    await expect(conn.execute(`delete from audit_events`)).rejects.toThrow(/append-only/);
    await expect(conn.execute(`truncate audit_events`)).rejects.toThrow(/append-only/);
    expect((await auditRows()).length).toBeGreaterThanOrEqual(3);
  });
});
