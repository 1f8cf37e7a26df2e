import { purgePositions, storePositions } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSite, makeUnit, SOUTH_END_GREEN, stay } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe('retention', () => {
  it('positions older than the retention period are purged, newer ones and the visits stay, and the purge is audited', async () => {
    await makeSite(t.em());
    const unit = await makeUnit(t.em());
    const now = new Date();
    const old = stay(SOUTH_END_GREEN, new Date(now.getTime() - 40 * 86_400_000), 12);
    const recent = stay(SOUTH_END_GREEN, new Date(now.getTime() - 2 * 86_400_000), 12);
    await storePositions(t.em(), unit.id, [...old, ...recent], { radiusMetres: 50, gapSeconds: 120 });
    const count = async (sql: string) => Number((await t.em().execute(sql))[0]!.n);
    expect(await count('select count(*) n from visits')).toBe(2);

    const { deleted } = await purgePositions(t.em(), 30, now);
    expect(deleted).toBe(old.length);
    expect(await count('select count(*) n from positions')).toBe(recent.length);
    expect(await count(`select count(*) n from positions where recorded_at < now() - interval '30 days'`)).toBe(0);
    expect(await count('select count(*) n from visits')).toBe(2);
    const [audit] = await t.em().execute(`select operation, outcome, target_ids from audit_events where operation = 'purgePositions'`);
    expect(audit).toMatchObject({ operation: 'purgePositions', outcome: 'SUCCESS' });
    expect(audit!.target_ids).toContain(`deleted:${old.length}`);
  });
});
