import { Agent, request } from 'node:http';
import { openOrm, Role, upsertUser } from '@vigil/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { spawnVigil } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { eventually } from '../support/live.js';

const account = { email: 'supt@stop.vigil', password: 'supt-password-1' };

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  const orm = await openOrm(db.url, 1);
  await upsertUser(orm.em.fork() as never, { ...account, displayName: 'Test superintendent', role: Role.SUPERINTENDENT });
  await orm.close(true);
});
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  await db?.drop();
});

const graphql = (url: string, query: string, token?: string) =>
  fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });

/** An HTTP keep-alive connection left open after one answered request; resolves once it has been answered. */
function keepAliveSocket(url: string): Promise<{ closed: () => boolean }> {
  const agent = new Agent({ keepAlive: true });
  return new Promise((resolve, reject) => {
    const req = request(`${url}/health`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ closed: () => closed }));
    });
    let closed = false;
    req.on('socket', (socket) => socket.once('close', () => (closed = true)));
    req.on('error', reject);
    req.end();
  });
}

/** A graphql-ws socket, acknowledged and then idle; resolves once the server has accepted it. */
function idleLiveSocket(url: string, token: string): Promise<{ closeCode: () => number | null }> {
  const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/graphql`, 'graphql-transport-ws');
  let code: number | null = null;
  ws.on('close', (c) => (code = c));
  return new Promise((resolve, reject) => {
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    ws.on('message', (data) => {
      if (JSON.parse(String(data)).type === 'connection_ack') resolve({ closeCode: () => code });
    });
    ws.on('error', reject);
  });
}

describe('stopping (SIGTERM)', () => {
  it('with sockets open and a statement in flight that would never end, the server stops without waiting for it', async () => {
    const run = spawnVigil(['serve'], { DATABASE_URL: db.url });
    const url = await run.ready();
    const login = (await (
      await graphql(url, `mutation { login(email: "${account.email}", password: "${account.password}") { token } }`)
    ).json()) as { data: { login: { token: string } } };
    const token = login.data.login.token;
    const keepAlive = await keepAliveSocket(url);
    const live = await idleLiveSocket(url, token);

    // A statement that cannot end while the test holds a lock on the table it reads: on a
    // real PostgreSQL it waits for the lock; on the embedded PGlite, which runs one
    // transaction at a time, every other connection's statements wait for this one's.
    const locker = new pg.Client({ connectionString: db.url });
    const observer = db.kind === 'postgres' ? new pg.Client({ connectionString: db.url }) : null;
    // A failed test drops the database under them (with force): that is not another failure.
    for (const client of [locker, observer]) client?.on('error', () => undefined);
    cleanups.push(async () => {
      await locker.end().catch(() => undefined);
      await observer?.end().catch(() => undefined);
    });
    await locker.connect();
    await locker.query('begin');
    await locker.query('lock table sites in access exclusive mode');
    let answered: unknown = 'nothing yet';
    const inFlight = graphql(url, '{ sites { nodes { id name } } }', token).then(
      async (response) => {
        answered = await response.json();
      },
      (error: Error) => {
        answered = error;
      },
    );
    await observer?.connect();
    // Server backends of the test database: every connection but the test's two.
    const serverBackends = async () =>
      (
        await (observer as pg.Client).query<{ application_name: string; wait_event_type: string | null }>(
          `select application_name, wait_event_type from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and pid <> $1`,
          [(locker as unknown as { processID: number }).processID],
        )
      ).rows;
    if (observer) {
      // The request's statement is waiting on the lock: the query is in flight in the database.
      await eventually(async () =>
        (await serverBackends()).some((b) => b.application_name.startsWith(`vigil-pool:${run.child.pid}:`) && b.wait_event_type === 'Lock'),
      );
    } else {
      // PGlite shows no other backend to watch: give the request time to reach the database.
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect(answered).toBe('nothing yet');

    run.child.kill('SIGTERM');
    const code = await run.exited;
    // It exited while the lock was still held, so before the statement could have ended.
    await inFlight;
    // The request was not answered with its sites: its socket was closed, or its statement cancelled.
    if (!(answered instanceof Error)) expect(answered).toMatchObject({ data: null, errors: [expect.anything()] });
    expect(keepAlive.closed()).toBe(true);
    expect(live.closeCode()).not.toBeNull();
    if (observer) {
      // A clean stop: the statement was cancelled (pg_cancel_backend), the pool closed, exit 0.
      expect(code).toBe(0);
      expect(run.stdout()).toMatch(/cancelled \d+ running statements?/);
      expect(run.stdout()).toMatch(/^Stopped in \d+\.\d s\.$/m);
      // And no backend of it is left behind, waiting on the lock or otherwise, while the lock is held still.
      await eventually(async () => (await serverBackends()).length === 0);
    } else {
      // The statement waits in the embedded database's queue, where nothing can cancel it: the
      // stop gives up on closing the pool at its deadline and exits anyway.
      expect(code).toBe(1);
      expect(run.stderr()).toMatch(/Vigil did not stop within 10 s: exiting anyway\./);
    }
    await locker.query('rollback');
  }, 120_000);
});
