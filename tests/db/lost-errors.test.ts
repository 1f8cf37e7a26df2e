/**
 * A statement PostGIS fails on is an error on every database, never a short or empty
 * answer: the embedded PostGIS loses GEOS's exceptions, and server/src/db/lost-errors.ts
 * raises them after all. Each case also checks that the connection answers rightly after.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDatabaseKinds, createTestDatabase, type TestDatabase } from '../support/database.js';

// A ring that crosses itself: GEOS throws a TopologyException when it overlays it.
const bowTie = 'POLYGON((0 0,10 10,10 0,0 10,0 0))';
const overlay = (g: string) => `ST_Area(ST_Intersection(${g}, ST_MakeEnvelope(1, 1, 5, 5)))`;

describe.each(availableDatabaseKinds())('a GEOS failure on %s PostGIS', (kind) => {
  let db: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    db = await createTestDatabase(kind, { ownPGlite: true });
    pool = new pg.Pool({ connectionString: db.url, max: 1 });
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const stillRight = async () => {
    const { rows } = await pool.query<{ n: number }>('select count(*)::int as n from generate_series(1, $1::int)', [7]);
    expect(rows).toEqual([{ n: 7 }]);
  };

  it('is an error for a statement with parameters (extended protocol), rows before it or not', async () => {
    await expect(pool.query(`select ${overlay('ST_GeomFromText($1)')} as a`, [bowTie])).rejects.toMatchObject({ code: 'XX000' });
    await stillRight();
    // Good rows first, then the failing one: the answer is the error, not the first rows.
    await expect(
      pool.query(`select ${overlay('ST_GeomFromText(g)')} as a from unnest($1::text[]) with ordinality as t(g, n) order by n`, [
        ['POLYGON((0 0,4 0,4 4,0 4,0 0))', 'POLYGON((0 0,3 0,3 3,0 3,0 0))', bowTie],
      ]),
    ).rejects.toMatchObject({ code: 'XX000' });
    await stillRight();
  });

  it('is an error for a statement without parameters (simple protocol)', async () => {
    await expect(pool.query(`select ${overlay(`'${bowTie}'::geometry`)} as a`)).rejects.toMatchObject({ code: 'XX000' });
    await stillRight();
  });

  it('fails its transaction, which rolls back', async () => {
    const client = await pool.connect();
    try {
      await client.query('create temporary table marks (n int)');
      await client.query('begin');
      await client.query('insert into marks values (1)');
      await expect(client.query(`insert into marks select 2 where ${overlay('ST_GeomFromText($1)')} > 0`, [bowTie])).rejects.toMatchObject({
        code: 'XX000',
      });
      await client.query('rollback');
      expect((await client.query('select count(*)::int as n from marks')).rows).toEqual([{ n: 0 }]);
    } finally {
      client.release();
    }
  });

  it('leaves right answers alone: empty ones, and long ones sent in many pieces', async () => {
    expect((await pool.query('select 1 as v where $1::boolean', [false])).rows).toEqual([]);
    expect((await pool.query('select 1 as v where false')).rows).toEqual([]);
    const n = 40_000;
    for (const text of [
      'select g as v, repeat($2, 3) as w from generate_series(1, $1::int) g',
      `select g as v, repeat('s', 3) as w from generate_series(1, ${n}) g`,
    ]) {
      const { rows } = await pool.query<{ v: number; w: string }>(text, text.includes('$1') ? [n, 's'] : []);
      expect(rows).toHaveLength(n);
      expect(rows.every((r, i) => r.v === i + 1 && r.w === 'sss')).toBe(true);
    }
    expect((await pool.query(`select ${overlay(`'POLYGON((0 0,4 0,4 4,0 4,0 0))'::geometry`)} as a`)).rows).toEqual([{ a: 9 }]);
  });
});
