import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { artifactsDir, clientDist, launchBrowser, noChromium, signIn } from '../support/browser.js';
import { layerAttribute, mapBox, paintedPixels, pixelOffset } from '../support/dashboard.js';
import { PLACES, seedIncidents, seedOperation, seedPatrols, seedVisitRequests, seedWards } from '../support/dashboard-fixtures.js';
import { startTestServer, type TestServer, testUsers } from '../support/server.js';
import { describeUnless } from '../support/skips.js';

const DAY = 86_400_000;

/** Polls wait this long: the embedded database is slow while other test files run beside this one. */
const slow = { timeout: 30_000 };

describeUnless(noChromium)('the map dashboard in Chromium', () => {
  let t: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(join(clientDist, 'index.html')))
      throw new Error('client/dist is missing: run `pnpm --filter @vigil/client build` (pnpm test:all does)');
    t = await startTestServer({}, { clientDir: clientDist });
    const em = t.em() as EntityManager;
    await seedWards(em);
    const eventAt = new Date(Date.now() - 10 * DAY);
    await seedOperation(em, eventAt);
    await seedIncidents(em, { darkCluster: 140, dayCluster: 140, background: 400, hate: 30, days: 56, eventAt });
    await seedPatrols(t.em() as EntityManager);
    await seedVisitRequests(t.em() as EntityManager);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(role: keyof typeof testUsers, search = ''): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    await signIn(page, `${t.url}/${search}`, testUsers[role].email, testUsers[role].password);
    return page;
  }

  it('a superintendent sees live coverage first: today’s figures, the overdue list, sites by status and the units on the map', async () => {
    const page = await open('SUPERINTENDENT');
    const headings = await page.locator('[data-testid=side-panel] h2').allTextContents();
    expect(headings.slice(0, 2)).toEqual(['Live coverage', 'Overdue sites']);
    await expect.poll(() => page.getByTestId('kpi-overdue').locator('.figure-value').textContent(), slow).toBe('2');
    await expect.poll(() => page.getByTestId('kpi-koper').locator('.figure-value').textContent(), slow).toMatch(/^\d+$/);
    expect(await page.getByTestId('overdue-item').allTextContents()).toEqual([
      expect.stringMatching(/Highbury Grove School/),
      expect.stringMatching(/Belsize Park deli/),
    ]);
    // Sites coloured by coverage state, one of each.
    await expect.poll(() => page.locator('[data-testid=site-marker]').count(), slow).toBe(4);
    const states = await page
      .locator('[data-testid=site-marker]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-state')).sort());
    expect(states).toEqual(['DUE', 'OVERDUE', 'OVERDUE', 'VISITED']);
    // Live units: both call signs on the map, with the time since their last fix.
    await expect.poll(() => page.locator('[data-testid=unit-marker]').count(), slow).toBe(2);
    expect(await page.locator('[data-testid=unit-marker] .unit-call').allTextContents()).toEqual(
      expect.arrayContaining(['CN-R1', 'IS-R1']),
    );
    expect(await page.locator('[data-testid=unit-marker] .unit-age').first().textContent()).toMatch(/\d+ (s|min)/);
    await expect.poll(() => page.getByTestId('live-status').textContent(), slow).toBe('Live');
    expect(await page.getByTestId('legend').textContent()).toMatch(/Overdue.*Live units|Patrol unit/s);
    await page.screenshot({ path: join(artifactsDir, 'dashboard-superintendent.png') });

    // A site from the overdue list: its detail and visit history.
    await page.getByTestId('overdue-item').filter({ hasText: 'Belsize Park deli' }).click();
    await expect.poll(() => page.getByTestId('panel-site').locator('h2').textContent(), slow).toBe('Belsize Park deli');
    await expect.poll(() => page.getByTestId('site-visits').locator('tbody tr').count(), slow).toBe(1);
    await page.waitForTimeout(800); // the map flies to the site
    await page.screenshot({ path: join(artifactsDir, 'dashboard-site-detail.png') });
    await page.close();
  });

  it('a superintendent replays a unit’s patrol with the time slider, and sees how much of each zone was patrolled', async () => {
    const page = await open('SUPERINTENDENT', '?at=51.54500,-0.14000,13&layers=wards,sites');
    await page.getByTestId('trace-unit').selectOption({ label: 'CN-R1 (Camden reassurance unit)' });
    await page.getByTestId('trace-show').click();
    await expect
      .poll(() => page.getByTestId('trace-summary').textContent(), slow)
      .toMatch(/fixes, [\d.]+ km, 1 visit \(1 Koper-compliant\)/);
    await expect.poll(() => page.url(), slow).toContain('layers=wards,sites,trace');
    await expect.poll(() => paintedPixels(page, 'trace'), slow).toBeGreaterThan(200);
    const latest = await page.getByTestId('trace-time').textContent();
    await page.getByTestId('trace-slider').fill('0');
    await expect.poll(() => page.getByTestId('trace-time').textContent(), slow).not.toBe(latest);

    await page.getByRole('checkbox', { name: 'Zone coverage' }).check();
    await expect.poll(() => page.locator('[data-testid=layer-zones] path.zone-coverage').count(), slow).toBe(34);
    // Camden Town was driven through: at least one zone is shaded as patrolled.
    const shaded = () =>
      page
        .locator('[data-testid=layer-zones] path.zone-coverage')
        .evaluateAll((paths) => paths.filter((p) => p.getAttribute('fill-opacity') !== '0').length);
    await expect.poll(shaded, slow).toBeGreaterThan(0);
    expect(await page.getByTestId('legend-detail-zones').textContent()).toMatch(/visit radius/);
    await page.screenshot({ path: join(artifactsDir, 'dashboard-trace.png') });
    await page.close();
  });

  it('an analyst sees the hot-spot cells drawn, with a legend naming the method, cell size and period', async () => {
    const page = await open('ANALYST', '?at=51.5450,-0.1450,14');
    const headings = await page.locator('[data-testid=side-panel] h2').allTextContents();
    expect(headings[0]).toBe('Hot spots');
    const cells = Number(await layerAttribute(page, 'hotspots', 'data-cells'));
    expect(cells).toBeGreaterThan(400);
    expect(await page.getByTestId('hotspot-incidents').textContent()).toMatch(/in [\d,]+ cells/);
    expect(await page.getByTestId('hotspot-incidents').textContent()).toContain(`in ${cells.toLocaleString('en-GB')} cells`);
    expect(await paintedPixels(page, 'hotspots')).toBeGreaterThan(5000);
    const classes = await layerAttribute(page, 'hotspots', 'data-classes');
    expect(classes).toMatch(/HOT_99:\d+/);
    const legend = page.getByTestId('legend');
    expect(await legend.textContent()).toMatch(/Hot spot, 99 % confidence/);
    expect(await page.getByTestId('legend-detail-hotspots').textContent()).toMatch(/Getis–Ord Gi\* on 250 m squares.*\d{4}/);
    // The before/after panel states the test in words.
    await expect
      .poll(() => page.getByTestId('trend-text').textContent())
      .toMatch(/rate ratio [\d.]+ \(95 % interval [\d.]+ to [\d.∞]+\), p [=<] [\d.]+/);
    // Incidents on canvas once switched on, filterable by the same filters.
    await page.getByRole('checkbox', { name: 'Incidents' }).check();
    expect(Number(await layerAttribute(page, 'incidents', 'data-points'))).toBeGreaterThan(300);
    await expect.poll(() => page.url(), slow).toContain('layers=wards,hotspots,incidents');
    await page.screenshot({ path: join(artifactsDir, 'dashboard-analyst.png') });
    await page.close();
  });

  it('toggling “after dark” redraws the cells from the dark incidents only', async () => {
    const page = await open('ANALYST', '?at=51.5450,-0.1500,14&layers=wards,hotspots,incidents');
    const before = await layerAttribute(page, 'hotspots', 'data-incidents');
    const pointsBefore = Number(await layerAttribute(page, 'incidents', 'data-points'));
    const classesBefore = await layerAttribute(page, 'hotspots', 'data-classes');
    await page.getByTestId('darkness-DARK').check();
    const after = await layerAttribute(page, 'hotspots', 'data-incidents', before);
    expect(Number(after)).toBeLessThan(Number(before));
    expect(Number(after)).toBeGreaterThanOrEqual(50);
    expect(await layerAttribute(page, 'hotspots', 'data-classes')).not.toBe(classesBefore);
    const pointsAfter = Number(await layerAttribute(page, 'incidents', 'data-points', String(pointsBefore)));
    expect(pointsAfter).toBeLessThan(pointsBefore);
    await expect.poll(() => page.url(), slow).toContain('dark=DARK');
    // The filter is in the address: a reload keeps it.
    await page.reload();
    expect(await layerAttribute(page, 'hotspots', 'data-incidents')).toBe(after);
    expect(await page.getByTestId('darkness-DARK').isChecked()).toBe(true);

    // The category menu counts each category under the other filters: after dark there is
    // vehicle crime (the green's cluster) and no shoplifting (all of it is in daylight).
    await page.getByTestId('filter-categories').locator('summary').click();
    const vehicle = Number((await page.getByTestId('category-count-vehicle-crime').textContent())?.replace(/,/g, ''));
    expect(vehicle).toBeGreaterThanOrEqual(140 / 2);
    expect(await page.getByTestId('category-count-shoplifting').textContent()).toBe('0');
    await page.screenshot({ path: join(artifactsDir, 'dashboard-categories.png') });
    // Choosing it maps exactly that many incidents.
    const pointsDark = await layerAttribute(page, 'incidents', 'data-points');
    await page.getByTestId('category-vehicle-crime').check();
    expect(Number(await layerAttribute(page, 'incidents', 'data-points', pointsDark))).toBe(vehicle);
    await page.close();
  });

  it('an analyst sees no zone editing tools', async () => {
    const page = await open('ANALYST');
    await layerAttribute(page, 'hotspots', 'data-cells');
    expect(await page.getByTestId('panel-planner').count()).toBe(0);
    expect(await page.getByTestId('zone-draw').count()).toBe(0);
    expect(await page.getByTestId('zone-save').count()).toBe(0);
    expect(await page.locator('.leaflet-pm-toolbar').count()).toBe(0);
    expect(await page.getByTestId('panel-requests').count()).toBe(0);
    await page.close();
  });

  it('a planner draws a zone, sees what it would cover, saves it, and finds it again after a reload', async () => {
    // Zoom 14 over Hampstead and Camden Town: both clusters, the sites, and room to draw.
    const centre: [number, number] = [-0.15, 51.55];
    const page = await open('PLANNER', `?at=${centre[1]},${centre[0]},14`);
    const headings = await page.locator('[data-testid=side-panel] h2').allTextContents();
    expect(headings.slice(0, 2)).toEqual(['Zone planning', 'Visit requests']);
    await expect.poll(() => page.locator('[data-testid=layer-wards] path.ward-outline').count(), slow).toBe(34);
    await layerAttribute(page, 'hotspots', 'data-cells');
    await page.getByTestId('zone-draw').click();
    await page.getByTestId('zone-drawing-help').waitFor();
    // A five-cornered outline of about 800 m across around South End Green.
    const map = await mapBox(page);
    const middle = map.at(0.5, 0.5);
    const { dx, dy } = pixelOffset(centre, PLACES.southEndGreen, 14);
    const seg = { x: middle.x + dx, y: middle.y + dy };
    const corners = [
      { x: seg.x - 60, y: seg.y - 55 },
      { x: seg.x + 30, y: seg.y - 75 },
      { x: seg.x + 70, y: seg.y },
      { x: seg.x + 35, y: seg.y + 65 },
      { x: seg.x - 60, y: seg.y + 50 },
    ];
    for (const p of corners) {
      await page.mouse.click(p.x, p.y);
      await page.waitForTimeout(150);
    }
    await page.mouse.click(corners[0]!.x, corners[0]!.y); // closes the outline
    const preview = page.getByTestId('zone-preview');
    await preview.waitFor();
    await expect.poll(() => preview.getByTestId('preview-incidents').locator('.figure-value').textContent(), slow).toMatch(/^\d+$/);
    const inside = Number(await preview.getByTestId('preview-incidents').locator('.figure-value').textContent());
    expect(inside).toBeGreaterThanOrEqual(40); // most of the South End Green cluster
    expect(await preview.getByTestId('preview-pai').locator('.figure-value').textContent()).toMatch(/^\d+(\.\d)?$/);
    expect(await preview.getByTestId('preview-area').locator('.figure-value').textContent()).toMatch(/km²/);
    expect(await page.locator('[data-testid=layer-draft] path').count()).toBeGreaterThan(0);
    await page.getByTestId('zone-name').fill('South End Green night patrol');
    await page.screenshot({ path: join(artifactsDir, 'dashboard-planner.png') });
    await page.getByTestId('zone-save').click();
    await expect.poll(() => page.getByTestId('zone-message').textContent(), slow).toBe('Saved “South End Green night patrol”.');
    // Drawn as a planned zone, apart from the 34 ward lines, with its name on the map.
    const planned = () => page.locator('[data-testid=layer-patrolzones] path.zone-outline').count();
    await expect.poll(planned, slow).toBe(1);
    expect(await page.locator('[data-testid=layer-wards] path.ward-outline').count()).toBe(34);
    await expect
      .poll(() => page.locator('.zone-labels .map-label:not([hidden])').allTextContents(), slow)
      .toContain('South End Green night patrol');

    await page.reload();
    await page.getByTestId('app-header').waitFor();
    await expect.poll(planned, slow).toBe(1);
    // Its borough comes from its outline (it lies in Camden).
    expect(await page.getByTestId('zone-select').locator('option').allTextContents()).toContain('South End Green night patrol (Camden)');

    // And deleting it takes it off the map.
    await page.getByTestId('zone-select').selectOption({ label: 'South End Green night patrol (Camden)' });
    await page.getByTestId('zone-delete').click();
    await page.getByTestId('zone-delete-confirm').click();
    await expect.poll(() => page.getByTestId('zone-message').textContent(), slow).toBe('Deleted “South End Green night patrol”.');
    await expect.poll(planned, slow).toBe(0);
    await page.close();
  });

  it('a planner approves a reassurance-visit request that has no location by placing it on the map', async () => {
    const page = await open('PLANNER', '?at=51.55300,-0.11800,15');
    const request = page.getByTestId('visit-request').filter({ hasText: 'Holloway Road gurdwara' });
    await request.waitFor();
    expect(await request.getByTestId('request-approve').isDisabled()).toBe(true);
    await request.getByTestId('request-place').click();
    const map = await mapBox(page);
    const c = map.at(0.5, 0.5);
    await page.mouse.click(c.x, c.y);
    await expect.poll(() => request.getByTestId('request-approve').isDisabled(), slow).toBe(false);
    await request.getByTestId('request-approve').click();
    await expect
      .poll(() => page.getByTestId('panel-requests').textContent(), slow)
      .toMatch(/“Holloway Road gurdwara” is on the patrol list/);
    await expect.poll(() => page.getByTestId('visit-request').filter({ hasText: 'Holloway Road gurdwara' }).count(), slow).toBe(0);
    await expect.poll(() => page.locator('[data-testid=site-marker][data-kind=TEMPLE]').count(), slow).toBe(1);
    await page.close();
  });
});
