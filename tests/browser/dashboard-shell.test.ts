import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { MeDocument } from '@vigil/schema';
import { loadWards } from '@vigil/seeds';
import { PatrolZone } from '@vigil/server';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { artifactsDir, clientDist, launchBrowser, noChromium, signIn } from '../support/browser.js';
import { startTestServer, type TestServer, testUsers } from '../support/server.js';
import { describeUnless } from '../support/skips.js';

describeUnless(noChromium)('the dashboard shell in Chromium', () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(clientDist, 'index.html')))
      throw new Error('client/dist is missing: run `pnpm --filter @vigil/client build` (pnpm test:all does)');
    t = await startTestServer({}, { clientDir: clientDist });
    const em = t.em() as EntityManager;
    for (const ward of loadWards())
      em.create(PatrolZone, { name: ward.name, borough: ward.borough, gssCode: ward.gssCode, boundary: ward.boundary });
    await em.flush();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  const firstPanel = { SUPERINTENDENT: 'Live coverage', ANALYST: 'Hot spots', PLANNER: 'Zone planning' } as const;

  for (const role of ['SUPERINTENDENT', 'ANALYST', 'PLANNER'] as const) {
    it(`signing in as ${role.toLowerCase()} shows the 34 ward outlines with a legend and their own panel first`, async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      await signIn(page, t.url, testUsers[role].email, testUsers[role].password);
      await expect.poll(() => page.locator('[data-testid=layer-wards] path.ward-outline').count()).toBe(34);
      expect(await page.getByTestId('user-role').textContent()).toMatch(new RegExp(role, 'i'));
      expect(await page.getByTestId('legend').textContent()).toMatch(/Ward boundary/);
      const headings = await page.locator('[data-testid=side-panel] h2').allTextContents();
      expect(headings[0]).toBe(firstPanel[role]);
      await page.screenshot({ path: join(artifactsDir, `shell-${role.toLowerCase()}.png`) });
      await page.close();
    });
  }

  it('a wrong password shows an error and no dashboard', async () => {
    const page = await browser.newPage();
    await page.goto(t.url);
    await page.getByLabel('E-mail address').fill(testUsers.ANALYST.email);
    await page.getByLabel('Password').fill('wrong-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByTestId('signin-error').textContent()).toMatch(/Wrong e-mail or password/);
    expect(await page.getByTestId('app-header').count()).toBe(0);
    await page.close();
  });

  it('the session survives a reload; signing out revokes the token and signs the account out on other machines too', async () => {
    const page = await browser.newPage();
    await signIn(page, t.url, testUsers.SUPERINTENDENT.email, testUsers.SUPERINTENDENT.password);
    await page.reload();
    await page.getByTestId('app-header').waitFor();
    // The same account on another machine (a separate browser context), with its live feed open.
    const elsewhere = await browser.newPage();
    await signIn(elsewhere, t.url, testUsers.SUPERINTENDENT.email, testUsers.SUPERINTENDENT.password);
    await elsewhere.locator('[data-testid=live-status].live-on').waitFor();
    const token = (await page.evaluate(`JSON.parse(localStorage.getItem('vigil.session') ?? '{}').token`)) as string;
    expect((await t.gql(MeDocument, {}, token)).data?.me.email).toBe(testUsers.SUPERINTENDENT.email);

    await page.getByTestId('signout').click();
    await page.getByTestId('signin-form').waitFor();
    await page.reload();
    await page.getByTestId('signin-form').waitFor();
    expect(await page.getByTestId('app-header').count()).toBe(0);
    // The server no longer takes the token, and the other machine's socket was closed, which signs it out.
    expect((await t.gql(MeDocument, {}, token)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await elsewhere.getByTestId('signin-notice').waitFor();
    expect(await elsewhere.getByTestId('signin-notice').textContent()).toMatch(/session has ended/);
    await Promise.all([page.close(), elsewhere.close()]);
  });
});
