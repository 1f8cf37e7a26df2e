import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { itUnless, needsRealPostgres } from '../support/skips.js';

/**
 * Issue 13, row 13: /health says ok only when the database answers *and* its schema is
 * the one this server was built for, so a load balancer stops sending traffic to a server
 * whose every query would fail.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

const health = async () => {
  const response = await fetch(`${t.url}/health`);
  return { status: response.status, body: (await response.json()) as { status: string } };
};

describe('row 13: /health checks the schema, not only the connection', () => {
  it('ok on a migrated database; 503 once a migration is missing from it, ok again once it is back', async () => {
    expect(await health()).toEqual({ status: 200, body: { status: 'ok', database: t.db.kind } });
    const [last] = await t.em().execute(`select id, name, executed_at from mikro_orm_migrations order by id desc limit 1`);
    await t.em().execute(`delete from mikro_orm_migrations where id = ?`, [last!.id]);
    try {
      // The answer is reused for up to a second (a flood of /health is not a flood of queries).
      await eventually(async () => (await health()).status === 503);
      expect(await health()).toMatchObject({ status: 503, body: { status: 'unavailable' } });
    } finally {
      await t
        .em()
        .execute(`insert into mikro_orm_migrations (id, name, executed_at) values (?, ?, ?)`, [last!.id, last!.name, last!.executed_at]);
    }
    await eventually(async () => (await health()).status === 200);
  });

  // Dropping the database under a running server needs a real PostgreSQL server (the embedded one is the process itself).
  itUnless(needsRealPostgres('the database is dropped and recreated under a running server'))(
    'the database dropped and recreated empty under a running server: 503, while select 1 still works',
    async () => {
      const name = new URL(t.db.url).pathname.slice(1);
      const admin = new pg.Client({ connectionString: t.db.url.replace(/\/[^/]+$/, '/postgres') });
      await admin.connect();
      try {
        await admin.query(`drop database ${name} with (force)`);
        await admin.query(`create database ${name}`);
        // The pool drops the connections the drop killed; then `select 1` works again.
        await eventually(async () => {
          try {
            return (await t.em().execute('select 1 as one'))[0]?.one === 1;
          } catch {
            return false;
          }
        });
        await eventually(async () => (await health()).status === 503);
        expect(await health()).toMatchObject({ status: 503, body: { status: 'unavailable' } });
      } finally {
        await admin.end();
      }
    },
  );
});
