import pg from 'pg';
import { queryClient, sql } from './sql.js';

/**
 * Cancels the statements this process's pool is running on the primary (its connections
 * carry POOL_APPLICATION_NAME), so stopping does not wait for a long query to end: each
 * gets "canceling statement due to user request", its request fails, and its connection
 * goes back to the pool, which can then close. On a connection of its own, as the pool's
 * may all be busy; bounded by `timeoutMs`, so a database that does not answer cannot hold
 * the stop. Returns the number of statements cancelled.
 */
export async function cancelPoolStatements(url: string, applicationName: string, { timeoutMs = 2000 } = {}): Promise<number> {
  const client = new pg.Client({
    connectionString: url,
    application_name: 'vigil-stop',
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  try {
    await client.connect();
    const rows = await queryClient<{ cancelled: boolean }>(
      client,
      sql`select pg_cancel_backend(pid) as cancelled from pg_stat_activity
           where application_name = ${applicationName} and state <> 'idle' and pid <> pg_backend_pid()`,
    );
    return rows.filter((r) => r.cancelled).length;
  } finally {
    // A database that does not answer may not answer the goodbye either.
    await Promise.race([client.end().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
  }
}
