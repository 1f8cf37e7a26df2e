import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LoginDocument } from '@vigil/schema';
import {
  type Config,
  DEVICE_TOKEN_TTL_DAYS,
  issueToken,
  loadConfig,
  type Orm,
  openOrm,
  Role,
  startServer,
  upsertUser,
  type VigilServer,
} from '@vigil/server';
import pg from 'pg';
import { clientDist } from '../support/browser.js';
import { GraphQLClient } from './http.js';

export interface BenchServer {
  url: string;
  config: Config;
  orm: Orm;
  server: VigilServer;
  /** One signed-in analyst per concurrent client (the API limits requests per caller). */
  analystTokens: string[];
  /** A device token per unit id: devices send their own positions. */
  deviceTokens: Map<string, string>;
  stop(): Promise<void>;
}

const PASSWORD = 'bench-analyst-password';

/**
 * The real server in this process, on a free port, as `vigil serve` starts it (production
 * settings, a pool of 10 connections, live events over LISTEN/NOTIFY), with accounts to
 * call it: `analysts` analysts signed in over the API, and a device token per unit.
 */
export async function startBenchServer(url: string, analysts: number, unitIds: string[]): Promise<BenchServer> {
  const config = loadConfig({
    DATABASE_URL: url,
    PORT: '0',
    VIGIL_ENV: 'production',
    JWT_SECRET: randomBytes(32).toString('hex'),
    VIGIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'vigil-bench-')),
  });
  const orm = await openOrm(url);
  // The built dashboard too, for the map row (bench/map.ts).
  const server = await startServer({ config, orm, database: 'postgres', clientDir: clientDist });
  const serverUrl = server.url;
  try {
    const em = () => orm.em.fork() as unknown as EntityManager;
    // One password hash (scrypt is slow on purpose), copied to the other analysts.
    await upsertUser(em() as never, {
      email: 'analyst-1@bench.vigil',
      password: PASSWORD,
      displayName: 'Bench analyst 1',
      role: Role.ANALYST,
    });
    await pgQuery(
      url,
      `insert into users (id, email, display_name, role, password_hash)
       select gen_random_uuid(), 'analyst-' || k || '@bench.vigil', 'Bench analyst ' || k, 'ANALYST', u.password_hash
       from users u, generate_series(2, $1::int) k where u.email = 'analyst-1@bench.vigil'`,
      [analysts],
    );
    // Device accounts are created by issueDeviceToken on first issue, each with a scrypt hash
    // of a random password nobody uses, and issuing bumps the account's token version: a few
    // statements a unit, 20 s of the run for 500. Made here in one statement instead, and
    // each account's token signed as issueDeviceToken signs it (a device token names the
    // account, its unit and the account's token version).
    const { rows } = await pgQuery<{ id: string; device_unit_id: string; token_version: number }>(
      url,
      `insert into users (id, email, display_name, role, password_hash, device_unit_id)
       select gen_random_uuid(), 'unit-' || id || '@devices.vigil.invalid', 'Device of ' || call_sign, 'DEVICE', '!', id
       from patrol_units where id = any($1::uuid[])
       returning id, device_unit_id, token_version`,
      [unitIds],
    );
    const deviceTokens = new Map<string, string>();
    for (const r of rows)
      deviceTokens.set(
        r.device_unit_id,
        await issueToken(
          config.jwtSecret,
          { userId: r.id, role: Role.DEVICE, unitId: r.device_unit_id, tokenVersion: r.token_version },
          DEVICE_TOKEN_TTL_DAYS * 86_400,
        ),
      );

    const anonymous = new GraphQLClient(serverUrl, null, 4);
    const analystTokens = await Promise.all(
      Array.from({ length: analysts }, async (_, k) => {
        const { login } = await anonymous.request(LoginDocument, { email: `analyst-${k + 1}@bench.vigil`, password: PASSWORD });
        return login.token;
      }),
    );
    anonymous.close();
    return {
      url: serverUrl,
      config,
      orm,
      server,
      analystTokens,
      deviceTokens,
      async stop() {
        await server.stop();
        await orm.close(true);
      },
    };
  } catch (error) {
    await server.stop();
    await orm.close(true);
    throw error;
  }
}

/** One statement on a connection of its own. */
async function pgQuery<T extends object>(url: string, text: string, values: unknown[]): Promise<{ rows: T[] }> {
  const client = new pg.Client({ connectionString: url, application_name: 'vigil-bench' });
  await client.connect();
  try {
    return await client.query<T>(text, values);
  } finally {
    await client.end();
  }
}
