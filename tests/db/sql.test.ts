import { geoJson, identifier, numbers, query, queryOne, sql } from '@vigil/server';
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

  it('binds numbers() in the binary array format: every value read back as it was, as float4 rounds, or refused', async () => {
    const read = async (fragment: ReturnType<typeof numbers>) =>
      (
        await query<{ v: number | string | null }>(
          t.em(),
          // As float8 text: exact for int8 within 2^53 and for every float4.
          sql`select v::float8::text as v from unnest(${fragment}) with ordinality as u(v, k) order by k`,
        )
      ).map((r) => (r.v === null ? null : Number(r.v)));
    const doubles = [1.5, null, -0.1234567890123456, 5e-324, -1.7976931348623157e308, Number.NaN, Number.NEGATIVE_INFINITY, -0, undefined];
    expect(await read(numbers('float8', doubles))).toEqual(doubles.map((v) => v ?? null));
    // Epoch milliseconds from before 1970 to past 2^53's neighbourhood, exactly.
    const longs = [0, -1, 1_764_000_000_123, -62_135_596_800_000, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, null];
    expect(await read(numbers('int8', longs))).toEqual(longs);
    expect(() => numbers('int8', [1.5])).toThrow(RangeError);
    // float4: what a real column holds (1e-50 underflows to 0, 0.1 is float4's 0.1); too large is refused.
    const reals = [0.1, 1e-50, 3.4e38, null, 250.5];
    expect(await read(numbers('float4', reals))).toEqual(reals.map((v) => (v === null ? null : Math.fround(v))));
    expect(() => numbers('float4', [1e39])).toThrow(/out of range for type real/);
    expect(await read(numbers('float8', []))).toEqual([]);
    // With the rest of the statement's values around it, in its place.
    const row = await queryOne<{ a: string; n: number; b: string }>(
      t.em(),
      sql`select ${'x'}::text as a, cardinality(${numbers('float8', [1, 2, 3])}) as n, ${'y'}::text as b`,
    );
    expect(row).toEqual({ a: 'x', n: 3, b: 'y' });
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
