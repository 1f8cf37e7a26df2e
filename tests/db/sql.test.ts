import { geoJson, identifier, query, queryOne, sql } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(() => t?.close());

describe('sql`…` templates run by query()', () => {
  it('binds every value: text that looks like SQL arrives as text, not as SQL', async () => {
    const hostile = `x'); drop table sites; --`;
    const row = await queryOne<{ v: string; n: number }>(t.em(), sql`select ${hostile}::text as v, (select count(*)::int from sites) as n`);
    expect(row?.v).toBe(hostile);
    expect(typeof row?.n).toBe('number');
  });

  it('binds arrays as PostgreSQL arrays (with quotes, backslashes and nulls), dates and nested fragments', async () => {
    const values = ['a', 'b"c', 'd\\e', 'f,g', null];
    const at = new Date('2026-11-01T18:30:00.123Z');
    const cond = sql`x = any(${values}::text[])`;
    const rows = await query<{ x: string | null; t: string }>(
      t.em(),
      sql`select x, ${at}::timestamptz as t from unnest(${values}::text[]) with ordinality as u(x, k) where ${cond} or x is null order by k`,
    );
    expect(rows.map((r) => r.x)).toEqual(values);
    expect(new Date(rows[0]?.t ?? 0).toISOString()).toBe(at.toISOString());
  });

  it('binds numbers with nulls as a numeric array, each value exact (NaN, infinities, tiny and huge ones included)', async () => {
    const values = [1.5, null, -0.1234567890123456, 5e-324, 1.7976931348623157e308, Number.NaN, Number.POSITIVE_INFINITY, -7, undefined];
    const rows = await query<{ v: number | null }>(
      t.em(),
      sql`select v from unnest(${values}::float8[]) with ordinality as u(v, k) order by k`,
    );
    expect(rows.map((r) => (r.v === null ? null : Number(r.v)))).toEqual(values.map((v) => v ?? null));
  });

  it('keeps a literal ? in the text (a jsonb operator) apart from the placeholders', async () => {
    const row = await queryOne<{ has: boolean; v: number }>(t.em(), sql`select ${'{"k":1}'}::jsonb ? 'k' as has, ${41}::int + 1 as v`);
    expect(row).toEqual({ has: true, v: 42 });
  });

  it('builds geometry from GeoJSON, and refuses a name that is not an identifier', async () => {
    const row = await queryOne<{ srid: number; x: number }>(
      t.em(),
      sql`select ST_SRID(g) as srid, ST_X(g) as x from (select ${geoJson({ type: 'Point', coordinates: [-0.16, 51.55] })} as g) p`,
    );
    expect(row).toEqual({ srid: 4326, x: -0.16 });
    expect(() => identifier('sites; drop table x')).toThrow(/not an SQL identifier/);
    await expect(query(t.em(), 'select 1' as never)).rejects.toThrow(/takes an sql/);
  });

  it('runs inside the entity manager’s transaction: a rolled-back insert is gone', async () => {
    const name = `rollback-${Date.now()}`;
    await expect(
      t.em().transactional(async (tx) => {
        await query(tx, sql`insert into operations (id, name, starts_at) values (gen_random_uuid(), ${name}, now())`);
        const [inside] = await query<{ n: number }>(tx, sql`select count(*)::int as n from operations where name = ${name}`);
        expect(inside?.n).toBe(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    const [after] = await query<{ n: number }>(t.em(), sql`select count(*)::int as n from operations where name = ${name}`);
    expect(after?.n).toBe(0);
  });
});
