import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { RecordPositionsDocument } from '@vigil/schema';
import { storePositions } from '@vigil/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { artifactsDir, clientDist, launchBrowser, noChromium, signIn } from '../support/browser.js';
import { layerAttribute } from '../support/dashboard.js';
import { PLACES, seedWards, visitRules } from '../support/dashboard-fixtures.js';
import { makeSite, makeUnit, offset, stay } from '../support/factories.js';
import { startTestServer, type TestServer, testUsers } from '../support/server.js';
import { describeUnless } from '../support/skips.js';

/** Polls wait this long: the embedded database is slow while other test files run beside this one. */
const slow = { timeout: 30_000 };

describeUnless(noChromium)('live units in the browser', () => {
  let t: TestServer;
  let browser: Browser;
  let unitId: string;
  let otherUnitId: string;

  beforeAll(async () => {
    if (!existsSync(join(clientDist, 'index.html')))
      throw new Error('client/dist is missing: run `pnpm --filter @vigil/client build` (pnpm test:all does)');
    t = await startTestServer({}, { clientDir: clientDist });
    await seedWards(t.em() as EntityManager);
    const unit = await makeUnit(t.em() as EntityManager, { callSign: 'CN-R1', team: 'Camden reassurance unit' });
    unitId = unit.id;
    // Its last fix, a minute ago, at Camden Town.
    const [longitude, latitude] = PLACES.camdenTown;
    await storePositions(
      t.em() as EntityManager,
      unit.id,
      [{ recordedAt: new Date(Date.now() - 60_000), longitude, latitude }],
      visitRules,
    );
    otherUnitId = (await makeUnit(t.em() as EntityManager, { callSign: 'CN-R2', team: 'Camden reassurance unit' })).id;
    // On the list for a month, twice a day, never visited: overdue.
    await makeSite(t.em() as EntityManager, {
      name: 'Belsize Square Synagogue',
      at: PLACES.belsizePark,
      requiredVisitsPerDay: 2,
      activeFrom: new Date(Date.now() - 30 * 86_400_000),
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('a unit’s marker moves, with a trail, when its device posts a position (recordPositions → unitPositions)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await signIn(page, `${t.url}/?at=51.53900,-0.14000,15`, testUsers.SUPERINTENDENT.email, testUsers.SUPERINTENDENT.password);
    const marker = page.locator(`[data-testid=unit-marker][data-unit-id="${unitId}"]`);
    await marker.waitFor();
    expect(await marker.locator('.unit-call').textContent()).toBe('CN-R1');
    expect(await marker.locator('.unit-age').textContent()).toMatch(/^(1 min|\d+ s)$/);
    await expect.poll(() => page.getByTestId('live-status').textContent(), slow).toBe('Live');
    const before = await marker.boundingBox();

    // The device reports twice: 100 m then 250 m east, ten seconds apart, the last just now.
    const now = Date.now();
    const fixes = [
      [100, now - 10_000],
      [250, now - 1_000],
    ].map(([east, at]) => {
      const [longitude, latitude] = offset(PLACES.camdenTown, east!, 0);
      return { recordedAt: new Date(at!).toISOString(), longitude, latitude };
    });
    const result = await t.gql(RecordPositionsDocument, { unitId, positions: fixes }, await t.tokenFor('SUPERINTENDENT'));
    expect(result.errors).toBeUndefined();
    expect(result.data?.recordPositions.accepted).toBe(2);

    await expect.poll(async () => marker.getAttribute('data-lng'), slow).toBe(fixes[1]!.longitude.toFixed(6));
    const after = await marker.boundingBox();
    // 250 m at zoom 15 is about 50 px on screen.
    expect(after!.x - before!.x).toBeGreaterThan(30);
    expect(Math.abs(after!.y - before!.y)).toBeLessThan(3);
    expect(await marker.locator('.unit-age').textContent()).toMatch(/^\d+ s$/);
    expect(await layerAttribute(page, 'units', 'data-units')).toBe('1');
    await page.screenshot({ path: join(artifactsDir, 'dashboard-live-unit.png') });
    await page.close();
  });

  it('the overdue list updates live when a unit’s visit is recorded (visitRecorded)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    await signIn(page, t.url, testUsers.SUPERINTENDENT.email, testUsers.SUPERINTENDENT.password);
    const item = page.getByTestId('overdue-item').filter({ hasText: 'Belsize Square Synagogue' });
    await item.waitFor();
    await expect.poll(() => page.getByTestId('kpi-overdue').locator('.figure-value').textContent(), slow).toBe('1');
    await expect.poll(() => page.getByTestId('live-status').textContent(), slow).toBe('Live');

    // A 12-minute stay beside the synagogue, ending a minute ago: a Koper-compliant visit.
    const fixes = stay(PLACES.belsizePark, new Date(Date.now() - 13 * 60_000), 12, { everySeconds: 30 }).map((f) => ({
      recordedAt: f.recordedAt.toISOString(),
      longitude: f.longitude,
      latitude: f.latitude,
    }));
    const result = await t.gql(RecordPositionsDocument, { unitId: otherUnitId, positions: fixes }, await t.tokenFor('SUPERINTENDENT'));
    expect(result.data?.recordPositions.accepted).toBe(fixes.length);

    // No reload: the list and the figures follow the live events.
    await expect.poll(() => item.count(), slow).toBe(0);
    await expect.poll(() => page.getByTestId('overdue-none').count(), slow).toBe(1);
    await expect.poll(() => page.getByTestId('kpi-overdue').locator('.figure-value').textContent(), slow).toBe('0');
    await expect.poll(() => page.getByTestId('kpi-koper').locator('.figure-value').textContent(), slow).toBe('1');
    await page.close();
  });
});
