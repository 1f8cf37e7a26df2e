import {
  IssueDeviceTokenDocument,
  PatrolUnitsDocument,
  RecordPositionsDocument,
  RevokeDeviceTokensDocument,
  UnitPositionsDocument,
} from '@vigil/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUnit, SOUTH_END_GREEN } from '../support/factories.js';
import { subscribe, walk } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let planner: string;
beforeAll(async () => {
  t = await startTestServer();
  planner = await t.tokenFor('PLANNER');
});
afterAll(() => t?.close());

const fixes = (minutesAgo: number) => walk(SOUTH_END_GREEN, new Date(Date.now() - minutesAgo * 60_000), 5);
const issue = async (unitId: string, token = planner) => t.gql(IssueDeviceTokenDocument, { unitId }, token);

describe('device tokens', () => {
  it('a device with a token for its unit sends positions for that unit and can do nothing else', async () => {
    const own = await makeUnit(t.em(), { callSign: 'CN-D1' });
    const other = await makeUnit(t.em());
    const issued = await issue(own.id);
    expect(issued.errors).toBeUndefined();
    const { token, unit, user, expiresAt } = issued.data!.issueDeviceToken;
    expect(unit).toEqual({ id: own.id, callSign: 'CN-D1' });
    expect(user.role).toBe('DEVICE');
    // Long-lived: a year, not a shift.
    expect(new Date(expiresAt).getTime() - Date.now()).toBeGreaterThan(360 * 24 * 3600_000);

    const sent = await t.gql(RecordPositionsDocument, { unitId: own.id, positions: fixes(30) }, token);
    expect(sent.data?.recordPositions.accepted).toBe(5);
    const elsewhere = await t.gql(RecordPositionsDocument, { unitId: other.id, positions: fixes(30) }, token);
    expect(elsewhere.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(elsewhere.errors?.[0]?.message).toMatch(/only send positions for its own unit/);
    const read = await t.gql(PatrolUnitsDocument, {}, token);
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Nor may it watch: the live socket refuses devices when they connect.
    await expect(subscribe(t.em(), t.url, token, UnitPositionsDocument, {})).rejects.toThrow(/socket closed with 4403/);
    // Sign-in with a password is impossible for the device account.
    const account = await t.em().getConnection().execute(`select email from users where id = ?`, [user.id]);
    expect(account[0]!.email).toMatch(/@devices\.vigil\.invalid$/);
  });

  it('issuing a token is audited, naming the unit and the device account but not the token', async () => {
    const unit = await makeUnit(t.em());
    const { token, user } = (await issue(unit.id)).data!.issueDeviceToken;
    const rows = await t
      .em()
      .getConnection()
      .execute<{ actor_id: string; actor_role: string; target_ids: string[]; outcome: string; row: string }[]>(
        `select actor_id, actor_role, target_ids, outcome, a::text as row from audit_events a
         where operation = 'issueDeviceToken' and ? = any(target_ids)`,
        [unit.id],
      );
    expect(rows).toHaveLength(1);
    const planners = await t.em().getConnection().execute(`select id from users where email = 'planner@test.vigil'`);
    expect(rows[0]).toMatchObject({ actor_id: planners[0]!.id, actor_role: 'PLANNER', outcome: 'SUCCESS' });
    expect([...rows[0]!.target_ids].sort()).toEqual([unit.id, user.id].sort());
    expect(rows[0]!.row).not.toContain(token);
  });

  it('revoking cuts the device off at once, and a new token replaces the old one', async () => {
    const unit = await makeUnit(t.em());
    const first = (await issue(unit.id)).data!.issueDeviceToken.token;
    expect((await t.gql(RecordPositionsDocument, { unitId: unit.id, positions: fixes(50) }, first)).data?.recordPositions.accepted).toBe(5);

    expect((await t.gql(RevokeDeviceTokensDocument, { unitId: unit.id }, planner)).data?.revokeDeviceTokens).toBe(true);
    const revoked = await t.gql(RecordPositionsDocument, { unitId: unit.id, positions: fixes(40) }, first);
    expect(revoked.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(revoked.errors?.[0]?.message).toMatch(/revoked/);

    const second = (await issue(unit.id)).data!.issueDeviceToken.token;
    expect((await t.gql(RecordPositionsDocument, { unitId: unit.id, positions: fixes(40) }, second)).data?.recordPositions.accepted).toBe(
      5,
    );
    const third = (await issue(unit.id, await t.tokenFor('SUPERINTENDENT'))).data!.issueDeviceToken.token;
    expect((await t.gql(RecordPositionsDocument, { unitId: unit.id, positions: fixes(30) }, second)).errors?.[0]?.extensions?.code).toBe(
      'UNAUTHENTICATED',
    );
    expect((await t.gql(RecordPositionsDocument, { unitId: unit.id, positions: fixes(30) }, third)).data?.recordPositions.accepted).toBe(5);
    // Still one device account for the unit.
    const accounts = await t.em().getConnection().execute(`select count(*)::int as n from users where device_unit_id = ?`, [unit.id]);
    expect(accounts[0]!.n).toBe(1);
  });

  it('analysts may not issue or revoke device tokens, and the refusals are audited', async () => {
    const unit = await makeUnit(t.em());
    const analyst = await t.tokenFor('ANALYST');
    expect((await issue(unit.id, analyst)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await t.gql(RevokeDeviceTokensDocument, { unitId: unit.id }, analyst)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const accounts = await t.em().getConnection().execute(`select count(*)::int as n from users where device_unit_id = ?`, [unit.id]);
    expect(accounts[0]!.n).toBe(0);
    const audited = await t
      .em()
      .getConnection()
      .execute(`select operation, outcome, actor_role from audit_events where ? = any(target_ids) order by id`, [unit.id]);
    expect(audited).toEqual([
      { operation: 'issueDeviceToken', outcome: 'DENIED', actor_role: 'ANALYST' },
      { operation: 'revokeDeviceTokens', outcome: 'DENIED', actor_role: 'ANALYST' },
    ]);
  });
});
