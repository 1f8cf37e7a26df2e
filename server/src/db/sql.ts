import type { EntityManager, Knex } from '@mikro-orm/postgresql';
import { bulk, empty, join, raw, Sql, default as sqlTag } from 'sql-template-tag';

/**
 * The one way Vigil writes SQL: `sql` tagged templates (sql-template-tag), run by `query`.
 *
 *     const rows = await query<{ id: string }>(em, sql`select id from sites where ward = ${ward}`);
 *
 * Every `${…}` is a bound parameter, never text; a `${sql`…`}` nests a fragment with its own
 * parameters, so shared pieces (the study area, a metric point, the incident conditions of
 * the one filter) compose without anyone counting placeholders. The only text that enters
 * a statement from a value is an `identifier` (checked against a pattern) or one of the
 * constants below; tests/db/sql-idiom.test.ts fails on any other way of running SQL in
 * server/src.
 *
 * `query` binds through the PostgreSQL driver (knex's public `raw` with `?` bindings):
 * MikroORM's `em.execute` formats parameters into the SQL text first, which is slower
 * (measured 117 ms against 357 ms for a 5,000-row JSON parameter) and, for PostgreSQL,
 * a splice.
 */
export const sql = sqlTag;
export { bulk, empty, join, Sql };

/**
 * The metric projection of every distance, area and grid: British National Grid. Not
 * configurable: the `_bng` columns and their indexes are stored in it, and an index on
 * `ST_Transform(…, 27700)` is only used when the statement spells the same constant.
 */
export const METRIC_SRID = 27700;
export const METRIC = raw(String(METRIC_SRID));

/** A table or column name chosen by code from a fixed list; anything else is refused. */
export function identifier(name: string): Sql {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not an SQL identifier: ${JSON.stringify(name)}`);
  return raw(`"${name}"`);
}

/**
 * A column alias that is also the key row_to_json writes: a GraphQL name (letters, digits,
 * underscores; the parser allows nothing else), quoted so its case is kept. PostgreSQL
 * cuts names at 63 bytes, so a longer one is refused (jsonKeyFits says which are safe).
 */
export function jsonKey(name: string): Sql {
  if (!jsonKeyFits(name)) throw new Error(`not a JSON key for a column alias: ${JSON.stringify(name)}`);
  return raw(`"${name}"`);
}
export const jsonKeyFits = (name: string) => /^[_A-Za-z][_0-9A-Za-z]{0,62}$/.test(name);

/** A GeoJSON geometry (object or text) as a WGS84 PostGIS geometry. */
export function geoJson(geometry: object | string): Sql {
  return sql`ST_SetSRID(ST_GeomFromGeoJSON(${typeof geometry === 'string' ? geometry : JSON.stringify(geometry)}::text), 4326)`;
}

/** A WGS84 point. */
export function lonLat(longitude: number, latitude: number): Sql {
  return sql`ST_SetSRID(ST_MakePoint(${longitude}, ${latitude}), 4326)`;
}

/** A WGS84 geometry expression in the metric projection. */
export function metric(geometry: Sql): Sql {
  return sql`ST_Transform(${geometry}, ${METRIC})`;
}

/**
 * The union of WGS84 polygons (an aggregate), on a grid of 1e-9° (about 0.1 mm).
 *
 * Why the grid: without one, GEOS overlays in floating point and, when that meets a
 * robustness problem, throws and catches inside itself to retry with snapping. The
 * embedded PostGIS (pglite-postgis 0.2.8) loses that exception and the whole statement
 * answers no rows, without an error: the demo's 35 zones did. A fixed grid takes the
 * snap-rounding path, which never throws, on both databases; points move by less than
 * 0.1 mm.
 */
export function unionOf(polygons: Sql): Sql {
  return sql`ST_Union(${polygons}, 1e-9)`;
}

/** The runner a read view (db/replicas.ts readView) pins its statements to. */
export const SQL_RUNNER = Symbol('vigil.sqlRunner');
type WithRunner = EntityManager & { [SQL_RUNNER]?: () => Knex };

/**
 * A PostgreSQL array literal for one bound parameter. knex's `raw` spreads a JavaScript
 * array bound to one `?` into a comma list (`?, ?, ?`), which is not an array.
 */
function arrayLiteral(values: readonly unknown[]): string {
  const element = (v: unknown): string => {
    if (v === null || v === undefined) return 'NULL';
    // Numbers need no quotes (NaN and Infinity included). Long lists of numbers go as `numbers`.
    if (typeof v === 'number') return String(v);
    if (Array.isArray(v)) return arrayLiteral(v);
    const text = v instanceof Date ? v.toISOString() : String(v);
    return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  };
  return `{${values.map(element).join(',')}}`;
}

/** Element types of `numbers`: PostgreSQL's type OID and its width in bytes. */
const NUMBER_TYPES = {
  int8: { oid: 20, bytes: 8 },
  float8: { oid: 701, bytes: 8 },
  float4: { oid: 700, bytes: 4 },
} as const;

/**
 * A list of numbers (nulls allowed) as an array of `type`, bound in PostgreSQL's binary
 * array format (array_recv): no number → text → number on either side. Ingest binds six
 * arrays of 500 a batch, and writing and reading them as text was about a twentieth of the
 * server's work on a batch (tests/bench, ingest). The fragment carries its own cast, so the
 * encoding and the type cannot disagree; int8 takes integers only (BigInt throws otherwise).
 * float4 rounds as the column would (a speed of 1e-50 m/s is 0, where PostgreSQL's text
 * input refused it as an underflow and failed the batch); a finite value beyond float4's
 * range is refused here, as PostgreSQL refuses it.
 */
export function numbers(type: keyof typeof NUMBER_TYPES, values: readonly (number | null | undefined)[]): Sql {
  const { oid, bytes } = NUMBER_TYPES[type];
  const present = values.reduce<number>((n, v) => (v === null || v === undefined ? n : n + 1), 0);
  // ndim, flags (has nulls), element type, then the one dimension (length, lower bound 1).
  const header = values.length === 0 ? 12 : 20;
  const buffer = Buffer.allocUnsafe(header + values.length * 4 + present * bytes);
  buffer.writeInt32BE(values.length === 0 ? 0 : 1, 0);
  buffer.writeInt32BE(present < values.length ? 1 : 0, 4);
  buffer.writeInt32BE(oid, 8);
  let at = header;
  if (values.length > 0) {
    buffer.writeInt32BE(values.length, 12);
    buffer.writeInt32BE(1, 16);
  }
  for (const v of values) {
    if (v === null || v === undefined) {
      at = buffer.writeInt32BE(-1, at);
      continue;
    }
    at = buffer.writeInt32BE(bytes, at);
    if (type === 'int8') at = buffer.writeBigInt64BE(BigInt(v), at);
    else if (type === 'float8') at = buffer.writeDoubleBE(v, at);
    else if (Number.isFinite(v) && !Number.isFinite(Math.fround(v))) throw new RangeError(`${v} is out of range for type real`);
    else at = buffer.writeFloatBE(v, at);
  }
  return sql`${buffer}::${raw(type)}[]`;
}

function bindable(value: unknown): unknown {
  if (value === undefined) return null;
  if (Array.isArray(value)) return arrayLiteral(value);
  return value;
}

export interface QueryOptions {
  /**
   * Run on a pooled connection of the primary, outside the entity manager's transaction:
   * for what must stand even when the caller's change rolls back (the audit log, sign-in places).
   */
  outsideTransaction?: boolean;
}

/**
 * Runs one statement in the entity manager's transaction if it has one (else on its read
 * connection, or the pool) and returns its rows.
 */
export async function query<T = Record<string, unknown>>(em: EntityManager, statement: Sql, options: QueryOptions = {}): Promise<T[]> {
  if (!(statement instanceof Sql)) throw new TypeError('query() takes an sql`…` statement');
  const runner: Knex | Knex.Transaction = options.outsideTransaction
    ? em.getKnex('write')
    : ((em.getTransactionContext() as Knex.Transaction | undefined) ?? (em as WithRunner)[SQL_RUNNER]?.() ?? em.getKnex());
  return run<T>(runner, statement);
}

/**
 * Runs one statement on a connection pool of the driver, outside any entity manager: for
 * the replica set's own bookkeeping on the primary (db/replicas.ts).
 */
export async function queryOn<T = Record<string, unknown>>(connection: { getKnex(): Knex }, statement: Sql): Promise<T[]> {
  if (!(statement instanceof Sql)) throw new TypeError('queryOn() takes an sql`…` statement');
  return run<T>(connection.getKnex(), statement);
}

/** A connection of its own, outside the pools: a `pg` client (a LISTEN, a session lock, a standby probe). */
interface Client {
  query(text: string, values: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Runs one statement on a dedicated `pg` client, for what must stay on one session: a
 * LISTEN, a session-level advisory lock, a standby's probe.
 */
export async function queryClient<T = Record<string, unknown>>(client: Client, statement: Sql): Promise<T[]> {
  if (!(statement instanceof Sql)) throw new TypeError('queryClient() takes an sql`…` statement');
  return (await client.query(statement.text, statement.values.map(bindable))).rows as T[];
}

async function run<T>(runner: Knex | Knex.Transaction, statement: Sql): Promise<T[]> {
  // knex reads `??` as an identifier binding and `\??` as a placeholder: two values side
  // by side, or a literal `?` just before a value, would make one.
  const last = statement.strings.length - 1;
  if (statement.strings.some((s, k) => k < last && (s.endsWith('?') || (k > 0 && s === ''))))
    throw new Error('a value right after another value or a literal ? in an sql`…` statement: put a space between');
  // A literal `?` in the text (a jsonb operator) would read to knex as a placeholder.
  const text = statement.strings.map((s) => s.replace(/\?/g, '\\?')).join('?');
  const result = (await runner.raw(text, statement.values.map(bindable) as Knex.RawBinding[])) as { rows: T[] };
  return result.rows;
}

/**
 * An sql`…` fragment as the text and values of a MikroORM QueryBuilder condition, for the
 * entity lists built with the query builder: `qb.andWhere(...condition(sql`…`))`.
 */
export function condition(fragment: Sql): [string, unknown[]] {
  if (!(fragment instanceof Sql)) throw new TypeError('condition() takes an sql`…` fragment');
  // The query builder hands the text to knex and then to MikroORM, each of which reads `?`.
  if (fragment.strings.some((s) => s.includes('?'))) throw new Error('a query-builder condition cannot hold a literal ?');
  return [fragment.strings.join('?'), fragment.values.map(bindable)];
}

/** The first row of a statement, or undefined. */
export async function queryOne<T = Record<string, unknown>>(
  em: EntityManager,
  statement: Sql,
  options: QueryOptions = {},
): Promise<T | undefined> {
  return (await query<T>(em, statement, options))[0];
}
