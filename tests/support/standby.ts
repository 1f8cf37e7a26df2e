import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * The hot standby of the test server that `.ci/standby start` made (CI does, before the
 * tests): VIGIL_TEST_STANDBY is its base URL, VIGIL_TEST_STANDBY_DIR its folder.
 */
export const standby = (() => {
  const url = process.env.VIGIL_TEST_STANDBY;
  const dir = process.env.VIGIL_TEST_STANDBY_DIR;
  if (inject('database').kind !== 'postgres') return { missing: 'the tests run on the embedded database (set DATABASE_URL)' } as const;
  if (!url || !dir)
    return { missing: 'no hot standby: run `.ci/standby start <folder>` and set VIGIL_TEST_STANDBY and VIGIL_TEST_STANDBY_DIR' } as const;
  return { url, dir } as const;
})();

const bin = () => `/usr/lib/postgresql/${readdirSync('/usr/lib/postgresql').sort().at(-1)}/bin`;
const run = promisify(execFile);
/** Asynchronous: the test's own Vigil server keeps serving while pg_ctl waits. */
const asPostgres = async (command: string, args: string[]) => {
  await (process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', command, ...args]) : run(command, args));
};

/** Stops the standby's server (fast shutdown: its sessions are ended, as in a failover or a crash of the node). */
export function stopStandby(dir: string): Promise<void> {
  return asPostgres(`${bin()}/pg_ctl`, ['-D', `${dir}/data`, '-m', 'fast', '-w', 'stop']);
}

export function startStandby(dir: string): Promise<void> {
  return asPostgres(`${bin()}/pg_ctl`, ['-D', `${dir}/data`, '-l', `${dir}/standby.log`, '-w', 'start']);
}

/** Runs one statement on the standby (as the superuser), e.g. to pause replay. */
export async function onStandby<T extends pg.QueryResultRow>(
  url: string,
  database: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const u = new URL(url);
  u.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: u.toString() });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
