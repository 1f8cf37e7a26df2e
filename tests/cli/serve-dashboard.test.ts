import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clientDist } from '../support/browser.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { itUnless } from '../support/skips.js';

const servers: TestServer[] = [];
afterAll(() => Promise.all(servers.map((s) => s.close())));

describe('the dashboard at /', () => {
  it('without a built dashboard, / says so and how to build it (never “Cannot GET /”), and the API still answers', async () => {
    const t = await startTestServer({}, { clientDir: '/nonexistent/dist' });
    servers.push(t);
    expect(t.server.dashboard).toEqual({ ready: false, reason: expect.stringContaining('--filter @vigil/client build') });
    const page = await fetch(`${t.url}/`);
    expect(page.status).toBe(503);
    const text = await page.text();
    expect(text).toMatch(/There is no dashboard to serve/);
    expect(text).toContain('npx pnpm@10.34.9 --filter @vigil/client build');
    expect(text).not.toMatch(/Cannot GET/);
    expect((await fetch(`${t.url}/health`)).status).toBe(200);
  });

  itUnless(
    existsSync(join(clientDist, 'index.html')) ? null : 'no built dashboard in client/dist (npx pnpm@10.34.9 --filter @vigil/client build)',
  )('with one, / and the paths the browser routes get the app shell', async () => {
    const t = await startTestServer({}, { clientDir: clientDist });
    servers.push(t);
    expect(t.server.dashboard).toEqual({ ready: true });
    for (const path of ['/', '/?at=51.55,-0.16,15&layers=wards', '/some/route']) {
      const page = await fetch(`${t.url}${path}`);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<div id="root">/);
    }
  });
});
