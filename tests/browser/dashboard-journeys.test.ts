import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AuditEventsDocument, DashboardHotspotsDocument, DashboardTodayDocument } from '@vigil/schema';
import type { Browser, Download, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { clientDist, launchBrowser, noChromium, signIn } from '../support/browser.js';
import { layerAttribute, mapBox, pixelOffset } from '../support/dashboard.js';
import {
  PLACES,
  type SeededPatrols,
  seedIncidents,
  seedOperation,
  seedPatrols,
  seedVisitRequests,
  seedWards,
} from '../support/dashboard-fixtures.js';
import { startTestServer, type TestServer, testUsers } from '../support/server.js';
import { describeUnless } from '../support/skips.js';

/**
 * Each role's whole job, step by step, as the brief's users do it, with a screenshot of
 * every step in client/screenshots/ (committed, and looked at).
 */

const DAY = 86_400_000;
const slow = { timeout: 30_000 };
const screenshots = fileURLToPath(new URL('../../client/screenshots', import.meta.url));

describeUnless(noChromium)('each role’s job in the dashboard', () => {
  let t: TestServer;
  let browser: Browser;
  let patrols: SeededPatrols;

  beforeAll(async () => {
    if (!existsSync(join(clientDist, 'index.html')))
      throw new Error('client/dist is missing: run `pnpm --filter @vigil/client build` (pnpm test:all does)');
    mkdirSync(screenshots, { recursive: true });
    t = await startTestServer({}, { clientDir: clientDist });
    const em = t.em() as EntityManager;
    await seedWards(em);
    await seedOperation(em, new Date(Date.now() - 10 * DAY));
    await seedIncidents(em, { darkCluster: 140, dayCluster: 140, background: 400, hate: 30, days: 56 });
    patrols = await seedPatrols(t.em() as EntityManager);
    await seedVisitRequests(t.em() as EntityManager);
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function open(role: keyof typeof testUsers, search = ''): Promise<Page> {
    // A default (US English) browser: the dashboard must still write dates the British way.
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 }, locale: 'en-US', acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, `${t.url}/${search}`, testUsers[role].email, testUsers[role].password);
    return page;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: join(screenshots, `${name}.png`) });
  async function downloaded(page: Page, click: () => Promise<void>): Promise<{ name: string; text: string }> {
    const [file] = await Promise.all([page.waitForEvent('download'), click()]);
    return { name: (file as Download).suggestedFilename(), text: readFileSync((await (file as Download).path())!, 'utf8') };
  }
  /** RFC 4180 fields of one CSV line (quoted fields may hold commas). */
  const fields = (line: string) =>
    [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)].slice(0, -1).map((m) => m[1]!.replace(/^"|"$/g, '').replace(/""/g, '"'));
  const zoomOf = (page: Page) => Number(new URL(page.url()).searchParams.get('at')?.split(',')[2]);

  it('superintendent: honest figures, the overdue list to a site’s visits, then the briefing as CSV and on paper', async () => {
    const page = await open('SUPERINTENDENT');
    // Sites that met their visits out of those that need any, the shortfall named: as the API counts them.
    const token = await t.tokenFor('SUPERINTENDENT');
    const now = Date.now();
    const today = await t.gql(
      DashboardTodayDocument,
      { input: { from: new Date(now - DAY).toISOString(), to: new Date(now).toISOString() } },
      token,
    );
    const rows = today.data!.coverage.sites.filter((s) => s.requiredVisits > 0);
    const met = rows.filter((s) => s.achievedVisits >= s.requiredVisits).length;
    await expect
      .poll(() => page.getByTestId('kpi-sites-met').locator('.figure-value').textContent(), slow)
      .toBe(`${met} of ${rows.length}`);
    const short = rows.filter((s) => s.achievedVisits < s.requiredVisits).map((s) => s.site.name);
    expect(short.length).toBeGreaterThan(0);
    for (const name of short) expect(await page.getByTestId('kpi-sites-met').textContent()).toContain(name);
    const capped = rows.reduce((n, s) => n + Math.min(s.achievedVisits, s.requiredVisits), 0);
    const required = rows.reduce((n, s) => n + s.requiredVisits, 0);
    expect(await page.getByTestId('kpi-coverage').textContent()).toContain(
      `${capped} of ${required}, each site counted up to what it needs`,
    );
    await expect.poll(() => page.locator('[data-testid=site-marker]').count(), slow).toBe(4);
    await shot(page, 'superintendent-1-live-coverage');

    // From the overdue list to the site: a street-level view with a marker named, and its visits.
    await page.getByTestId('overdue-item').filter({ hasText: 'Belsize Park deli' }).click();
    await expect.poll(() => page.getByTestId('panel-site').locator('h2').textContent(), slow).toBe('Belsize Park deli');
    await expect.poll(() => page.getByTestId('site-visits').locator('tbody tr').count(), slow).toBe(1);
    await expect.poll(() => zoomOf(page), slow).toBe(16);
    expect(await page.locator('.focus-label').textContent()).toBe('Belsize Park deli');
    // en-GB in a US-English browser: "21 Nov, 14:05", never "11/21".
    expect(await page.getByTestId('site-visits').textContent()).toMatch(/\d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2}/);
    await page.getByTestId('panel-site').scrollIntoViewIfNeeded();
    await shot(page, 'superintendent-2-site-visits');

    // The briefing: both lists as CSV, and the print view.
    await page.getByTestId('panel-briefing').scrollIntoViewIfNeeded();
    const overdueCsv = await downloaded(page, () => page.getByTestId('export-overdue').click());
    expect(overdueCsv.name).toMatch(/^vigil-overdue-sites-.*\.csv$/);
    const overdueLines = overdueCsv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(overdueLines[0]).toBe('Site,Kind,Overdue for,Due since,Last visit,Visits required a day');
    const overdueNames = (await page.getByTestId('overdue-item').locator('.overdue-name').allTextContents()).sort();
    expect(
      overdueLines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(overdueNames);
    const sitesCsv = await downloaded(page, () => page.getByTestId('export-sites').click());
    const siteLines = sitesCsv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(siteLines[0]).toBe('Site,Kind,Risk,Visits in the last 24 h,Visits required,Last visit,Last unit,Status');
    expect(siteLines).toHaveLength(rows.length + 1);
    const deli = fields(siteLines.find((l) => l.startsWith('Belsize Park deli,'))!);
    expect(deli.slice(3, 5)).toEqual(['1', '2']); // one stay, 20 h ago, of two a day
    expect(deli[6]).toBe('CN-R1'); // the unit of that visit
    expect(deli[7]).toBe('Overdue');

    await page.emulateMedia({ media: 'print' });
    expect(await page.getByTestId('print-briefing-view').isVisible()).toBe(true);
    expect(await page.locator('.leaflet-container').isVisible()).toBe(false);
    expect(await page.getByTestId('print-briefing-view').textContent()).toContain('Belsize Park deli');
    await shot(page, 'superintendent-3-print-view');
    const pdf = await page.pdf({ format: 'A4' });
    expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
    await page.emulateMedia({ media: 'screen' });
    await page.close();
  });

  it('a site clicked on the map and opened in full is one audited read', async () => {
    const page = await open('SUPERINTENDENT', '?at=51.55050,-0.16480,15&layers=wards,sites');
    const site = patrols.sites.visited;
    const token = await t.tokenFor('SUPERINTENDENT');
    const reads = async () =>
      (await t.gql(AuditEventsDocument, { filter: { operation: 'site' }, first: 500 }, token)).data!.auditEvents.nodes.filter((e) =>
        e.targetIds.includes(site.id),
      ).length;
    const before = await reads();
    await page.locator(`[data-testid=site-marker][data-site-id="${site.id}"]`).click();
    await expect.poll(() => page.getByTestId('site-popup').textContent(), slow).toMatch(/Last 7 days: 1 visit/);
    await page.getByTestId('site-popup').getByRole('button', { name: 'Full history' }).click();
    await expect.poll(() => page.getByTestId('site-visits').locator('tbody tr').count(), slow).toBe(1);
    await page.waitForTimeout(1000); // time for a second read, were there one
    expect(await reads()).toBe(before + 1);
    await page.close();
  });

  it('analyst: finds South End Green, filters to vehicle crime after dark, picks an event date, downloads the cells', async () => {
    const page = await open('ANALYST');
    await layerAttribute(page, 'hotspots', 'data-cells');
    await page.getByTestId('place-search-input').fill('South End Green');
    const first = page.getByTestId('place-result').first();
    await expect.poll(() => first.textContent(), slow).toMatch(/^South End GreenNeighbourhood, Camden/);
    await shot(page, 'analyst-1-place-search');
    await page.getByTestId('place-search-input').press('Enter');
    await expect.poll(() => zoomOf(page), slow).toBe(16);
    const [lat, lng] = new URL(page.url()).searchParams.get('at')!.split(',').map(Number);
    expect(lat).toBeCloseTo(PLACES.southEndGreen[1], 3);
    expect(lng).toBeCloseTo(PLACES.southEndGreen[0], 3);
    expect(await page.locator('.focus-label').textContent()).toBe('South End Green');

    // Vehicle crime after dark: the cells are made from exactly those incidents.
    const before = await layerAttribute(page, 'hotspots', 'data-incidents');
    await page.getByTestId('filter-categories').locator('summary').click();
    await page.getByTestId('category-vehicle-crime').check();
    await page.getByTestId('filter-categories').locator('summary').click();
    await page.getByTestId('darkness-DARK').check();
    await expect.poll(() => page.url(), slow).toMatch(/cat=vehicle-crime.*dark=DARK/);
    const to = new Date(Math.ceil(Date.now() / 300_000) * 300_000);
    const api = await t.gql(
      DashboardHotspotsDocument,
      {
        input: {
          filter: {
            from: new Date(to.getTime() - 28 * DAY).toISOString(),
            to: to.toISOString(),
            categories: ['vehicle-crime'],
            darkness: 'DARK',
          },
        },
      },
      await t.tokenFor('ANALYST'),
    );
    expect(api.errors).toBeUndefined();
    const after = api.data!.hotspots.summary.incidentCount;
    expect(after).toBeGreaterThanOrEqual(60); // the South End Green cluster, about half of its 140 in 28 days
    await expect.poll(() => layerAttribute(page, 'hotspots', 'data-incidents', before), slow).toBe(String(after));
    await page.getByRole('checkbox', { name: 'Incidents' }).check();
    // The points drawn are the very incidents the cells count.
    expect(Number(await layerAttribute(page, 'incidents', 'data-points'))).toBe(after);
    await page.waitForTimeout(600);
    await shot(page, 'analyst-2-vehicle-crime-after-dark');

    // An event date of the analyst's own, in en-GB, whatever the browser's language.
    await page.getByTestId('panel-trend').scrollIntoViewIfNeeded();
    await page.getByTestId('trend-event-pick').selectOption('custom');
    const eventAt = new Date(Date.now() - 14 * DAY);
    const pad = (n: number) => String(n).padStart(2, '0');
    const typed = `${pad(eventAt.getDate())}/${pad(eventAt.getMonth() + 1)}/${eventAt.getFullYear()} 18:00`;
    await page.getByTestId('trend-event-at').fill(typed);
    await page.getByTestId('trend-days').selectOption('7');
    await expect.poll(() => page.getByTestId('trend-event').textContent(), slow).toContain(`your date, ${eventAt.getDate()} `);
    await expect.poll(() => page.getByTestId('trend-text').textContent(), slow).toMatch(/rate ratio|no ratio/);
    const trendCsv = await downloaded(page, () => page.getByTestId('export-trend-csv').click());
    const trendLines = trendCsv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(trendLines[0]).toBe('day,incidents,window,event,event_at,incidents_counted');
    expect(trendLines.length).toBe(1 + 2 * 7); // a row a day, 7 days each side
    const png = await downloaded(page, () => page.getByTestId('export-trend-png').click());
    expect(png.name).toMatch(/\.png$/);
    await shot(page, 'analyst-3-event-date');

    // The cells for QGIS: GeoJSON and CSV, one per cell on the map.
    await page.getByTestId('panel-analyst').scrollIntoViewIfNeeded();
    const cells = Number(await layerAttribute(page, 'hotspots', 'data-cells'));
    const geojson = JSON.parse((await downloaded(page, () => page.getByTestId('export-cells-geojson').click())).text);
    expect(geojson.type).toBe('FeatureCollection');
    expect(geojson.features).toHaveLength(cells);
    expect(geojson.features.reduce((n: number, f: { properties: { count: number } }) => n + f.properties.count, 0)).toBe(after);
    expect(geojson.features[0].geometry.type).toBe('Polygon');
    const csv = (await downloaded(page, () => page.getByTestId('export-cells-csv').click())).text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(csv).toHaveLength(cells + 1);
    expect(csv[1]).toMatch(/"POLYGON\(\(/);
    await shot(page, 'analyst-4-cells-downloaded');
    await page.close();
  });

  it('planner: draws a zone on the filtered map and gets the preview for that filter, then approves a request and sees the site', async () => {
    const centre: [number, number] = [-0.15, 51.55];
    const page = await open('PLANNER', `?at=${centre[1]},${centre[0]},14&cat=vehicle-crime&dark=DARK`);
    await layerAttribute(page, 'hotspots', 'data-cells');
    await page.getByTestId('zone-draw').click();
    await page.getByTestId('zone-drawing-help').waitFor();
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
    await page.mouse.click(corners[0]!.x, corners[0]!.y);
    const preview = page.getByTestId('zone-preview');
    await expect.poll(() => preview.getByTestId('preview-incidents').locator('.figure-value').textContent(), slow).toMatch(/^\d+$/);
    // The preview says which filter made it: the map's.
    await expect.poll(() => preview.getByTestId('preview-filter').textContent(), slow).toMatch(/Vehicle crime.*after dark/);
    const inside = Number(await preview.getByTestId('preview-incidents').locator('.figure-value').textContent());
    // Only vehicle crime after dark: the South End Green cluster, not the day-time thefts or the background.
    expect(inside).toBeGreaterThanOrEqual(60);
    expect(inside).toBeLessThanOrEqual(140 + 30);
    await shot(page, 'planner-1-zone-preview');
    await page.getByTestId('zone-cancel').click();

    // A request with a location: approved, it is on the map as a site, marked and named.
    const request = page.getByTestId('visit-request').filter({ hasText: 'Belsize Park Israeli café' });
    await request.getByTestId('request-approve').click();
    await expect
      .poll(() => page.getByTestId('panel-requests').textContent(), slow)
      .toMatch(/“Belsize Park Israeli café” is on the patrol list/);
    await expect.poll(() => page.locator('.focus-label').textContent(), slow).toBe('Belsize Park Israeli café');
    await expect.poll(() => page.locator('[data-testid=site-marker][data-kind=BUSINESS]').count(), slow).toBe(2);
    await expect.poll(() => zoomOf(page), slow).toBe(16);
    await page.waitForTimeout(800);
    await shot(page, 'planner-2-request-approved');
    await page.close();
  });
});
