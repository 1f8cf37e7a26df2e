import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LoginDocument } from '@vigil/schema';
import {
  type Config,
  issueDeviceToken,
  loadConfig,
  type Orm,
  openOrm,
  Role,
  startServer,
  upsertUser,
  type VigilServer,
} from '@vigil/server';
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
    await em().execute(
      `insert into users (id, email, display_name, role, password_hash)
       select gen_random_uuid(), 'analyst-' || k || '@bench.vigil', 'Bench analyst ' || k, 'ANALYST', u.password_hash
       from users u, generate_series(2, ?::int) k where u.email = 'analyst-1@bench.vigil'`,
      [analysts],
    );
    // Device accounts are created by issueDeviceToken on first issue, each with a scrypt hash
    // of a random password nobody uses; made here in one statement instead, then issued.
    await em().execute(
      `insert into users (id, email, display_name, role, password_hash, device_unit_id)
       select gen_random_uuid(), 'unit-' || id || '@devices.vigil.invalid', 'Device of ' || call_sign, 'DEVICE', '!', id
       from patrol_units where id = any(?::uuid[])`,
      [`{${unitIds.join(',')}}`],
    );
    // Eight at a time (each is a few statements and a signature): 500 one after another
    // took 20 s of the run on a loaded machine.
    const deviceTokens = new Map<string, string>();
    const queue = [...unitIds];
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let id = queue.shift(); id; id = queue.shift())
          deviceTokens.set(id, (await issueDeviceToken(em(), config.jwtSecret, id)).token);
      }),
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
