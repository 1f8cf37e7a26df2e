import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { openOrm, type ServerOptions, startServer } from '@vigil/server';
import { type FieldNode, type GraphQLFormattedError, type OperationDefinitionNode, print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { inject } from 'vitest';
import WebSocket from 'ws';
import { offset } from './factories.js';
import type { GraphQLResponse, TestServer } from './server.js';

/** Two server processes need one database they both reach: a real PostgreSQL. */
export const realPostgres = inject('database').kind === 'postgres';

/** Waits until `check` returns something truthy; the test's own timeout bounds the wait. */
export async function eventually<T>(check: () => T | Promise<T>, everyMs = 50): Promise<NonNullable<T>> {
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** A live subscription from a dashboard's point of view: everything it received, in order. */
export interface LiveFeed<T> {
  readonly events: T[];
  readonly errors: readonly GraphQLFormattedError[];
  /** Resolves with the first event (received so far or later) that satisfies `predicate`. */
  next(predicate?: (event: T) => boolean): Promise<T>;
  close(): Promise<void>;
}

const auditCount = async (em: EntityManager, operation: string) =>
  Number((await em.getConnection().execute(`select count(*) as n from audit_events where operation = ?`, [operation]))[0]!.n);

/**
 * Opens a graphql-ws socket to `url` signed in with `token` and starts a typed
 * subscription; resolves once it is listening (the server writes the subscription's audit
 * line once it is: `em` reads it) or has failed.
 */
export async function subscribe<T, V>(
  em: EntityManager,
  url: string,
  token: string,
  document: TypedDocumentNode<T, V>,
  variables?: V,
): Promise<LiveFeed<T>> {
  const definition = document.definitions[0] as OperationDefinitionNode;
  const operation = (definition.selectionSet.selections[0] as FieldNode).name.value;
  const before = await auditCount(em, operation);
  const client: Client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
    lazy: true,
  });
  const events: T[] = [];
  const errors: GraphQLFormattedError[] = [];
  const waiters: { predicate: (e: T) => boolean; resolve: (e: T) => void; reject: (e: Error) => void }[] = [];
  const fail = (error: Error) => {
    for (const w of waiters.splice(0)) w.reject(error);
  };
  let closedWith: Error | null = null;
  const off = client.on('closed', (event) => {
    closedWith = new Error(`socket closed with ${(event as { code?: number }).code}`);
    fail(closedWith);
  });
  client.subscribe<T>(
    { query: print(document), variables: variables as Record<string, unknown> | undefined },
    {
      next(result) {
        if (result.errors) {
          errors.push(...result.errors);
          fail(new Error(`subscription error: ${result.errors.map((e) => e.message).join('; ')}`));
          return;
        }
        const event = result.data as T;
        events.push(event);
        for (const w of [...waiters]) {
          if (w.predicate(event)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(event);
          }
        }
      },
      error(error) {
        // A refused or dropped socket comes as its close event, not as GraphQL errors.
        if (error && typeof error === 'object' && !Array.isArray(error) && 'code' in error) {
          closedWith = new Error(`socket closed with ${(error as { code: number }).code}`);
          fail(closedWith);
          return;
        }
        const list = Array.isArray(error) ? (error as GraphQLFormattedError[]) : [{ message: String((error as Error)?.message ?? error) }];
        errors.push(...list);
        fail(new Error(`subscription failed: ${list.map((e) => e.message).join('; ')}`));
      },
      complete() {},
    },
  );
  await eventually(async () => closedWith || errors.length > 0 || (await auditCount(em, operation)) > before);
  if (closedWith || errors.length > 0) {
    await client.dispose();
    throw errors.length > 0 ? new Error(`subscription failed: ${errors.map((e) => e.message).join('; ')}`) : closedWith;
  }
  return {
    events,
    errors,
    next(predicate = () => true) {
      const found = events.find(predicate);
      if (found) return Promise.resolve(found);
      if (closedWith) return Promise.reject(closedWith);
      if (errors.length) return Promise.reject(new Error(errors.map((e) => e.message).join('; ')));
      return new Promise((resolve, reject) => waiters.push({ predicate, resolve, reject }));
    },
    async close() {
      off();
      await client.dispose();
    },
  };
}

/** Posts a typed operation to any Vigil server, as a client would. */
export async function post<T, V>(url: string, document: TypedDocumentNode<T, V>, variables: V, token: string): Promise<GraphQLResponse<T>> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(document), variables }),
  });
  return (await response.json()) as GraphQLResponse<T>;
}

/**
 * A second Vigil server in this process over the same database as `t`: its own ORM, its
 * own LISTEN connection and pub/sub, its own port.
 */
export async function startPeer(t: TestServer, live?: ServerOptions['live']): Promise<{ url: string; close(): Promise<void> }> {
  const orm = await openOrm(t.db.url, 4);
  const server = await startServer({ config: t.config, orm, database: t.db.kind, clientDir: '/nonexistent', live });
  return {
    url: server.url,
    async close() {
      await server.stop();
      await orm.close(true);
    },
  };
}

const serverDir = fileURLToPath(new URL('../../server', import.meta.url));

export interface ServerProcess {
  url: string;
  pid: number;
  /** Resolves with the signal that ended the process (or null after a normal exit). */
  exited: Promise<NodeJS.Signals | null>;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<NodeJS.Signals | null>;
}

/**
 * `vigil serve` in a process of its own, as an operator would start a second instance,
 * against `databaseUrl` and with the same signing key as the test's server (so tokens
 * from one are good on the other).
 */
export async function spawnServer(databaseUrl: string, jwtSecret: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['bin/vigil.mjs', 'serve'], {
    cwd: serverDir,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      VIGIL_ENV: 'test',
      JWT_SECRET: jwtSecret,
      VIGIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'vigil-live-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (d: string) => {
      output += d;
      const match = /Vigil is running at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      output += d;
    });
    void exited.then(() => reject(new Error(`vigil serve exited before it was ready:\n${output}`)));
  });
  return {
    url,
    pid: child.pid as number,
    exited,
    output: () => output,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Fixes stored per unit, as epoch milliseconds. */
export async function storedTimes(em: EntityManager, unitId: string): Promise<Set<number>> {
  const rows = await em
    .getConnection()
    .execute<{ t: string }[]>(`select (extract(epoch from recorded_at) * 1000)::bigint as t from positions where unit_id = ?`, [unitId]);
  return new Set(rows.map((r) => Number(r.t)));
}

export interface WalkFix {
  recordedAt: string;
  longitude: number;
  latitude: number;
  accuracy: number;
  speed: number;
  heading: number;
}

/** A unit heading east from `from` at `speed` m/s, one fix every `everySeconds` from `start`, as a device sends them. */
export function walk(from: [number, number], start: Date, count: number, { everySeconds = 1, speed = 5 } = {}): WalkFix[] {
  return Array.from({ length: count }, (_, i) => {
    const [longitude, latitude] = offset(from, i * everySeconds * speed, 0);
    return {
      recordedAt: new Date(start.getTime() + i * everySeconds * 1000).toISOString(),
      longitude,
      latitude,
      accuracy: 5,
      speed,
      heading: 90,
    };
  });
}
