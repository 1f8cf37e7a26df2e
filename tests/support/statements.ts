import type { PostgreSqlConnection } from '@mikro-orm/postgresql';
import type pg from 'pg';
import type { TestServer } from './server.js';

/**
 * The SQL text of every statement the in-process server sends to the database while
 * `work` runs. It patches the `pg` module the ORM itself loaded (knex's driver), not
 * the one this package imports: MikroORM pins its own `pg` version, and patching another
 * copy would count nothing.
 */
export async function statementsDuring(t: TestServer, work: () => Promise<unknown>): Promise<string[]> {
  const driver = (t.orm.em.getConnection() as PostgreSqlConnection).getKnex().client.driver as typeof pg;
  const original = driver.Client.prototype.query;
  const texts: string[] = [];
  driver.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [first] = args;
    texts.push(typeof first === 'string' ? first : String((first as { text?: string } | undefined)?.text ?? ''));
    return (original as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof original;
  try {
    await work();
  } finally {
    driver.Client.prototype.query = original;
  }
  if (texts.length === 0) throw new Error('statementsDuring: no statement seen; is the server in this process?');
  return texts;
}
