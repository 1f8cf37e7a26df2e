import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { clientDist, hasChromium, launchBrowser } from '../support/browser.js';
import { mapBox } from '../support/dashboard.js';
import { megabytes, ms, percentile } from './measure.js';
import { type Context, type Row, verdict } from './scenario.js';

declare const document: { querySelector(s: string): { getAttribute(n: string): string | null } | null };

const DAY_MS = 86_400_000;

/**
 * The dashboard over the bench's data (1,000,000 incidents across London): an analyst's map
 * of Camden and Islington over the last two years with every incident of the command area
 * drawn and Gi* cells of 125 m (about 2,400), panned for 8 strokes in headless Chromium
 * while every frame is timed. The frame-time baseline is an idle map of the same page (no
 * layers but the wards) panned the same way, in the same browser.
 */
export async function mapScenario(ctx: Context): Promise<Row> {
  if (!hasChromium || !existsSync(join(clientDist, 'index.html'))) throw new Error('the map row needs Chromium and a built client/dist');
  const browser: Browser = await launchBrowser();
  try {
    const to = new Date(ctx.dataset.now * 1000);
    const from = new Date(to.getTime() - 729 * DAY_MS);
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const pan = async (layers: string) => {
      const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
      await page.goto(`${ctx.server.url}/`);
      await page.evaluate((token) => {
        (globalThis as unknown as { localStorage: { setItem(k: string, v: string): void } }).localStorage.setItem(
          'vigil.session',
          JSON.stringify({
            token,
            user: {
              id: '00000000-0000-0000-0000-000000000000',
              email: 'analyst-1@bench.vigil',
              displayName: 'Bench analyst 1',
              role: 'ANALYST',
            },
          }),
        );
      }, ctx.server.analystTokens[0]!);
      await page.goto(`${ctx.server.url}/?at=51.54500,-0.13000,13&layers=${layers}&period=custom&from=${day(from)}&to=${day(to)}&cell=125`);
      const drawn = { points: 0, cells: 0 };
      if (layers.includes('incidents')) {
        await page.waitForFunction(() => document.querySelector('[data-testid=layer-incidents]')?.getAttribute('data-points'), null, {
          timeout: 300_000,
        });
        await page.waitForFunction(() => document.querySelector('[data-testid=layer-hotspots]')?.getAttribute('data-cells'), null, {
          timeout: 300_000,
        });
        drawn.points = Number(await page.locator('[data-testid=layer-incidents]').getAttribute('data-points'));
        drawn.cells = Number(await page.locator('[data-testid=layer-hotspots]').getAttribute('data-cells'));
      } else {
        await page.locator('[data-testid=layer-wards] path.ward-outline').first().waitFor();
      }
      await page.waitForTimeout(1000);
      // As text: tsx names the functions it compiles (esbuild's __name), which the page does not have.
      await page.evaluate(`(() => {
        window.__frames = [];
        window.__sampling = true;
        let last = performance.now();
        const tick = (now) => {
          window.__frames.push(now - last);
          last = now;
          if (window.__sampling) requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      })()`);
      const map = await mapBox(page);
      for (const [dx, dy] of [
        [320, 0],
        [-320, 0],
        [0, 200],
        [0, -200],
        [240, 160],
        [-240, -160],
        [-320, 120],
        [320, -120],
      ] as const) {
        const start = map.at(0.5, 0.5);
        await page.mouse.move(start.x, start.y);
        await page.mouse.down();
        for (let k = 1; k <= 40; k++) await page.mouse.move(start.x + (dx * k) / 40, start.y + (dy * k) / 40);
        await page.mouse.up();
      }
      const frames = (await page.evaluate('(() => { window.__sampling = false; return (window.__frames ?? []).slice(1); })()')) as number[];
      await page.close();
      return { frames, ...drawn };
    };
    const idle = await pan('wards');
    const full = await pan('wards,hotspots,incidents');
    const p95 = percentile(full.frames, 95);
    const idleP95 = percentile(idle.frames, 95);
    ctx.log(`map: ${full.points} points and ${full.cells} cells drawn; frame p95 ${ms(p95)} (idle map ${ms(idleP95)})`);
    return {
      scenario: 'map: pan the dashboard, all incidents of 2 years in the command area + 125 m Gi* cells',
      median: `${ms(percentile(full.frames, 50))} a frame`,
      p95: `${ms(p95)} a frame`,
      throughput: `${full.frames.length} frames`,
      baseline: `idle map (wards only), same strokes: p50 ${ms(percentile(idle.frames, 50))}, p95 ${ms(idleP95)}`,
      ratio: `${(p95 / idleP95).toFixed(2)}× p95 frame`,
      target: 'frame p95 ≤ 50 ms',
      verdict: verdict(p95 <= 50),
      rss: megabytes(process.memoryUsage().rss),
      note: `${full.points.toLocaleString('en-GB')} incident points and ${full.cells.toLocaleString('en-GB')} hot-spot cells drawn (of the 1,000,000 incidents in the database); headless Chromium without GPU, 1366 × 768, 8 drags of 40 moves.`,
    };
  } finally {
    await browser.close();
  }
}
