import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningVigil, spawnVigil } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const probe = new URL('../support/graphql-mode-probe.mjs', import.meta.url).href;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const post = (url: string, query: string) =>
  fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });

/** `vigil serve` on the test database with graphql's mode probe preloaded. */
const serve = (env: Record<string, string>) => spawnVigil(['serve'], { DATABASE_URL: db.url, ...env }, { nodeArgs: ['--import', probe] });

async function stop(run: RunningVigil): Promise<number | null> {
  run.child.kill('SIGTERM');
  return run.exited;
}

describe('production mode (VIGIL_ENV=production)', () => {
  it('runs the built JavaScript (server/dist) with graphql-js in production mode, and serves', async () => {
    // The entry builds server/dist first if it is missing or older than its sources: slow once.
    const run = serve({ VIGIL_ENV: 'production', JWT_SECRET: randomBytes(32).toString('hex') });
    const url = await run.ready();
    expect(run.stdout()).toMatch(/^Vigil built \(server\/dist\), production mode$/m);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const answer = await post(url, '{ __typename }');
    expect(await answer.json()).toEqual({ data: { __typename: 'Query' } });
    // Production's own rule, to show the mode reached the server's configuration as well.
    const introspection = (await (await post(url, '{ __schema { types { name } } }')).json()) as { errors?: unknown[] };
    expect(introspection.errors?.length).toBeGreaterThan(0);
    expect(await stop(run)).toBe(0);
    // NODE_ENV was production before graphql was loaded, so graphql chose production mode.
    expect(run.stdout()).toMatch(/^graphql-mode: production; NODE_ENV=production$/m);
  }, 300_000);

  it('elsewhere runs the TypeScript sources, where graphql-js keeps its development checks (the probe tells the modes apart)', async () => {
    const run = serve({});
    const url = await run.ready();
    expect(run.stdout()).toMatch(/^Vigil from its TypeScript sources \(tsx\), development mode$/m);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(await stop(run)).toBe(0);
    expect(run.stdout()).toMatch(/^graphql-mode: development; NODE_ENV=\(unset\)$/m);
  }, 180_000);
});
