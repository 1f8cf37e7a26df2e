/**
 * The embedded database serves a whole `pg.Pool` through one PGlite session: each
 * connection's statements must reach it whole, whatever the others send meanwhile
 * (server/src/db/socket-queue.ts). Runs on a bare PGlite behind the same socket server and
 * fix, whichever database the rest of the suite uses.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { keepExchangesWhole } from '@vigil/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let db: PGlite;
let server: PGLiteSocketServer;
let pool: pg.Pool;
beforeAll(async () => {
  db = await PGlite.create();
  server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 16 });
  keepExchangesWhole(server);
  await server.start();
  pool = new pg.Pool({ connectionString: `postgres://postgres@${server.getServerConn()}/postgres`, max: 8 });
  await pool.query('create table marks (id int primary key, by_client int not null)');
});
afterAll(async () => {
  await pool?.end();
  await server?.stop();
  await db?.close();
});

describe('the embedded socket server', () => {
  it('answers 8 connections sending statements of different shapes at once, each its own answer', async () => {
    // Statements with 1, 2 and 5 parameters, interleaved from 8 connections: each one's
    // Parse, Bind and Execute must meet its own statement.
    const shapes = [
      async (k: number) => (await pool.query<{ v: number }>('select $1::int * 2 as v', [k])).rows[0]!.v === k * 2,
      async (k: number) => (await pool.query<{ v: string }>('select $1::text || $2::text as v', [`a${k}`, 'b'])).rows[0]!.v === `a${k}b`,
      async (k: number) =>
        (await pool.query<{ v: number }>('select $1::int + $2::int + $3::int + $4::int + $5::int as v', [k, 1, 2, 3, 4])).rows[0]!.v ===
        k + 10,
    ];
    const results = await Promise.allSettled(Array.from({ length: 600 }, (_, k) => shapes[k % 3]!(k)));
    const failed = results.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason));
    expect(failed.slice(0, 3)).toEqual([]);
    expect(results.every((r) => r.status === 'fulfilled' && r.value)).toBe(true);
  });

  it('keeps transactions apart from other connections’ statements, and each sees its own writes', async () => {
    const client = async (c: number) => {
      const conn = await pool.connect();
      try {
        for (let i = 0; i < 15; i++) {
          const id = c * 1000 + i;
          await conn.query('begin');
          await conn.query('insert into marks (id, by_client) values ($1, $2)', [id, c]);
          const { rows } = await conn.query<{ n: number }>('select count(*)::int as n from marks where by_client = $1', [c]);
          if (rows[0]!.n !== i + 1) throw new Error(`client ${c} saw ${rows[0]!.n} of its rows, not ${i + 1}`);
          // Every third transaction is rolled back: its row must vanish for everyone.
          await conn.query(i % 3 === 2 ? 'rollback' : 'commit');
          if (i % 3 === 2) await conn.query('insert into marks (id, by_client) values ($1, $2)', [id, c]);
        }
      } finally {
        conn.release();
      }
    };
    const chatter = Array.from({ length: 200 }, (_, k) => pool.query('select $1::int as v, $2::text as w', [k, 'x']));
    await Promise.all([...Array.from({ length: 6 }, (_, c) => client(c + 1)), ...chatter]);
    const { rows } = await pool.query<{ by_client: number; n: number }>(
      'select by_client, count(*)::int as n from marks group by by_client order by by_client',
    );
    expect(rows).toEqual(Array.from({ length: 6 }, (_, c) => ({ by_client: c + 1, n: 15 })));
  });
});
