import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type Config,
  loadConfig,
  type Orm,
  openDatabase,
  Role,
  type ServerOptions,
  startServer,
  User,
  type VigilServer,
} from '@vigil/server';
import { type GraphQLFormattedError, print } from 'graphql';
import { inject } from 'vitest';
import { testUsers } from './accounts.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export { testUsers };

import { withDatabase } from './target.js';

export interface GraphQLResponse<T> {
  data?: T | null;
  errors?: GraphQLFormattedError[];
}

export interface TestServer {
  url: string;
  db: TestDatabase;
  orm: Orm;
  config: Config;
  server: VigilServer;
  em(): EntityManager;
  /** Runs a typed operation over HTTP, as a client would. */
  gql<T, V>(document: TypedDocumentNode<T, V>, variables?: V, token?: string): Promise<GraphQLResponse<T>>;
  /** Signs in over the API and returns the bearer token. */
  tokenFor(role: keyof typeof testUsers): Promise<string>;
  close(): Promise<void>;
}

/** A real Vigil server on a free port, over a database of its own. */
export async function startTestServer(
  overrides: Record<string, string> = {},
  options: {
    clientDir?: string;
    live?: ServerOptions['live'];
    /** Base URL of a hot standby of the test server: the test's database there becomes a read replica. */
    standby?: string;
    /** Where the replica set's lines go (default: the console). */
    replicaLog?: (line: string) => void;
  } = {},
): Promise<TestServer> {
  const db = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: db.url,
    PORT: '0',
    VIGIL_ENV: 'test',
    JWT_SECRET: randomBytes(32).toString('hex'),
    VIGIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'vigil-test-')),
    ...(options.standby ? { DATABASE_REPLICA_URLS: withDatabase(options.standby, new URL(db.url).pathname.slice(1)) } : {}),
    ...overrides,
  });
  const opened = await openDatabase(config, { migrate: false, log: options.replicaLog, poolSize: 4 });
  const orm = opened.orm;
  const em = orm.em.fork() as unknown as EntityManager;
  // The accounts with their passwords hashed once for the whole run (global-setup.ts):
  // scrypt is made to be slow, and four hashes a file were a second or more of each file.
  const hashes = inject('testUserHashes');
  for (const role of Object.values(Role)) {
    em.create(User, { email: testUsers[role].email, displayName: `Test ${role.toLowerCase()}`, role, passwordHash: hashes[role] });
  }
  await em.flush();
  const server = await startServer({
    config,
    orm,
    database: db.kind,
    replicas: opened.replicas,
    clientDir: options.clientDir ?? '/nonexistent',
    live: options.live,
  });
  const tokens = new Map<keyof typeof testUsers, string>();

  const gql = async <T, V>(document: TypedDocumentNode<T, V>, variables?: V, token?: string): Promise<GraphQLResponse<T>> => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: print(document), variables }),
    });
    return (await response.json()) as GraphQLResponse<T>;
  };

  return {
    url: server.url,
    db,
    orm,
    config,
    server,
    em: () => orm.em.fork() as unknown as EntityManager,
    gql,
    async tokenFor(role) {
      const cached = tokens.get(role);
      if (cached) return cached;
      const { email, password } = testUsers[role];
      const { LoginDocument } = await import('@vigil/schema');
      const result = await gql(LoginDocument, { email, password });
      const token = result.data?.login.token;
      if (!token) throw new Error(`login as ${role} failed: ${JSON.stringify(result.errors)}`);
      tokens.set(role, token);
      return token;
    },
    async close() {
      await server.stop();
      await opened.close();
      await db.drop();
    },
  };
}
