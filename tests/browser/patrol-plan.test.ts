import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type LiveSimulator, publishIngest, seedDemo, startLiveSimulator } from '@vigil/server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { artifactsDir, clientDist, launchBrowser, noChromium, signIn } from '../support/browser.js';
import { startTestServer, type TestServer, testUsers } from '../support/server.js';
import { describeUnless } from '../support/skips.js';

/** Polls wait this long: the embedded database is slow while other test files run beside this one. */
const slow = { timeout: 90_000, interval: 1000 };
const rules = { radiusMetres: 50, gapSeconds: 120 };

/** A moment as the dashboard's date fields take it, dd/mm/yyyy hh:mm in the page's zone (Europe/London, set on the context). */
function local(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'Europe/London',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(ms));
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${get('day')}/${get('month')}/${get('year')} ${get('hour')}:${get('minute')}`;
}

describeUnless(noChromium)('patrol plans in the browser', () => {
  let t: TestServer;
  let browser: Browser;
  let live: LiveSimulator | undefined;
  // The shift starts now and lasts three hours; the simulator runs its clock 150 times faster.
  const t0 = Math.floor(Date.now() / 60_000) * 60_000;
  const shift = { from: local(t0), to: local(t0 + 3 * 3600_000) };

  beforeAll(async () => {
    if (!existsSync(join(clientDist, 'index.html')))
      throw new Error('client/dist is missing: run `pnpm --filter @vigil/client build` (pnpm test:all does)');
    t = await startTestServer({}, { clientDir: clientDist });
    await seedDemo(t.em() as EntityManager, { days: 3, eventDaysAgo: 2, patrolDays: 1, scale: 0.05, rules });
    browser = await launchBrowser();
  }, 600_000);
  afterAll(async () => {
    await live?.stop();
    await browser?.close();
    await t?.close();
  });

  const open = async (role: 'PLANNER' | 'SUPERINTENDENT'): Promise<Page> => {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, timezoneId: 'Europe/London' });
    const page = await context.newPage();
    await signIn(page, `${t.url}/?at=51.5450,-0.1400,13`, testUsers[role].email, testUsers[role].password);
    return page;
  };

  it('a planner previews the shift’s plan for the two reassurance cars, saves it, and prints the patrol sheet', async () => {
    const page = await open('PLANNER');
    const panel = page.getByTestId('panel-plan');
    await panel.scrollIntoViewIfNeeded();
    await panel.getByRole('checkbox', { name: /CN-R1/ }).waitFor();
    expect(await panel.getByRole('checkbox', { name: /CN-R1/ }).isChecked()).toBe(true);
    expect(await panel.getByRole('checkbox', { name: /IS-R1/ }).isChecked()).toBe(true);
    expect(await panel.getByRole('checkbox', { name: /CN-HT1/ }).isChecked()).toBe(false);
    await panel.getByLabel('Shift from').fill(shift.from);
    await panel.getByLabel('to', { exact: true }).fill(shift.to);
    await page.getByTestId('plan-preview').click();
    const summary = page.getByTestId('plan-summary');
    await summary.waitFor(slow);
    expect(await summary.getAttribute('data-plan-id')).toBe('');
    expect(await page.getByTestId('plan-method').textContent()).toMatch(/Straight line × 1\.3.*20 km\/h by car/);
    // The map draws the numbered stops of both units.
    await expect.poll(() => page.locator('[data-testid=plan-stop][data-unit="CN-R1"]').count(), slow).toBeGreaterThan(3);
    await expect.poll(() => page.locator('[data-testid=plan-stop][data-unit="IS-R1"]').count(), slow).toBeGreaterThan(3);
    expect(await page.locator('[data-testid=plan-stop][data-unit="CN-R1"][data-sequence="1"]').textContent()).toBe('1');
    await panel.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifactsDir, 'plan-preview.png') });

    await page.getByTestId('plan-save').click();
    await expect.poll(async () => summary.getAttribute('data-plan-id'), slow).toMatch(/^[0-9a-f-]{36}$/);
    const [stored] = await t.em().execute<{ n: number }[]>('select count(*)::int as n from patrol_unit_plans');
    expect(stored!.n).toBe(2);

    // Print: only the sheet, one page per unit, with the stops in order, times and the Koper reminder.
    await page.emulateMedia({ media: 'print' });
    const sheet = page.getByTestId('patrol-sheet');
    expect(await sheet.isVisible()).toBe(true);
    expect(await page.getByTestId('map').isVisible()).toBe(false);
    expect(await page.getByTestId('sheet-page').count()).toBe(2);
    expect(await page.getByTestId('sheet-koper').first().textContent()).toMatch(/10–16 minutes.*Koper 1995/);
    const rows = await sheet.locator('tbody tr').count();
    expect(rows).toBeGreaterThan(8);
    await page.screenshot({ path: join(artifactsDir, 'patrol-sheet.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    writeFileSync(join(artifactsDir, 'patrol-sheet.pdf'), pdf);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.emulateMedia({ media: 'screen' });
    await page.context().close();
  }, 240_000);

  it('the superintendent sees each unit’s progress as the simulator’s units make their visits', async () => {
    const page = await open('SUPERINTENDENT');
    const units = page.getByTestId('plan-progress-unit');
    await expect.poll(() => units.count(), slow).toBe(2);
    const done = async (unit: string) => Number(await page.locator(`[data-unit="${unit}"] [data-testid=progress-done]`).textContent());
    // Before the simulator moves them (a unit standing at its first site already has it).
    const before = { 'CN-R1': await done('CN-R1'), 'IS-R1': await done('IS-R1') };
    expect(before['CN-R1'] + before['IS-R1']).toBeLessThanOrEqual(2);
    // The demo's units move through the ingest path, each following its saved plan.
    // Its clock starts now and runs 150 times faster than the wall clock (a 12-minute stop in 5 s).
    const s0 = Date.now();
    live = await startLiveSimulator({
      orm: t.orm,
      rules,
      intervalMs: 250,
      now: () => new Date(s0 + (Date.now() - s0) * 150),
      onStored: (unitId, outcome) => publishIngest(t.server.pubSub, unitId, outcome),
    });
    for (const unit of ['CN-R1', 'IS-R1'] as const) await expect.poll(() => done(unit), slow).toBeGreaterThanOrEqual(before[unit] + 2);
    // The units keep to the plan's order: the first stops are the ones made.
    for (const unit of ['CN-R1', 'IS-R1'])
      expect(await page.locator(`[data-testid=plan-stop][data-unit="${unit}"][data-sequence="1"]`).getAttribute('data-state')).toBe('DONE');
    // Done stops turn green on the map, and one is next.
    await expect.poll(() => page.locator('[data-testid=plan-stop][data-state=DONE]').count(), slow).toBeGreaterThanOrEqual(4);
    expect(await page.locator('[data-testid=plan-stop][data-state=NEXT]').count()).toBeGreaterThanOrEqual(1);
    // What the panel says rests on the visits ingest detected for the plan's sites: a stay
    // counts from the shift's start (one under way then too, as the panel counts it). The
    // panel's four may include hot-spot cells, made by stays in the cell rather than visits,
    // so the sites' visits are waited for as the units go on (read at once, they were 3 once).
    const sitesMade = async () => {
      const [made] = await t.em().execute<{ n: number }[]>(
        `select count(distinct s.id)::int as n from patrol_plan_stops s
         join patrol_unit_plans u on u.id = s.unit_plan_id
         join visits v on v.site_id = s.site_id and v.unit_id = u.unit_id and v.exited_at >= u.starts_at`,
      );
      return made!.n;
    };
    await expect.poll(sitesMade, slow).toBeGreaterThanOrEqual(4);
    await page.getByTestId('panel-plan-progress').scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(artifactsDir, 'plan-progress.png') });
    await page.context().close();
  }, 240_000);
});
