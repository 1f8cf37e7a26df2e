import { request } from 'node:http';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { GraphQLFormattedError } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { eventually } from './live.js';

/** One GraphQL request as a client sends it: the text, its variables, and who sends it. */
export interface Operation {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
}

export interface Sender {
  /** Bearer token; sent as `Authorization: Bearer <token>` (HTTP) or in connectionParams (graphql-ws). */
  token?: string;
  /** The whole Authorization value, for tests that vary it; wins over `token`. */
  authorization?: string;
  /** Local address to send from (any of 127.0.0.0/8 reaches the test server), to play another client. */
  localAddress?: string;
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The parsed body; `null` when it was not JSON (then `text` says what came). */
  body: { data?: unknown; errors?: GraphQLFormattedError[] } | null;
  text: string;
}

/** POSTs raw bytes to `url` + `/graphql` with node:http, so the local address and the exact headers are ours to choose. */
export function postRaw(url: string, payload: string, sender: Sender = {}, extraHeaders: Record<string, string> = {}): Promise<HttpAnswer> {
  const target = new URL(`${url}/graphql`);
  const authorization = sender.authorization ?? (sender.token ? `Bearer ${sender.token}` : undefined);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        localAddress: sender.localAddress,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...(authorization !== undefined ? { authorization } : {}),
          ...extraHeaders,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          let body: HttpAnswer['body'] = null;
          try {
            body = JSON.parse(text);
          } catch {
            body = null;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** One operation over HTTP POST. */
export function overHttp(url: string, operation: Operation, sender: Sender = {}): Promise<HttpAnswer> {
  return postRaw(url, JSON.stringify(operation), sender);
}

/** What one operation sent over graphql-ws came to. */
export type SocketAnswer =
  /** The server refused the socket itself (close code, e.g. 4403 for a bad token). */
  | { kind: 'refused'; code: number; reason: string }
  /** An `error` message: the operation was refused before it ran. */
  | { kind: 'error'; errors: GraphQLFormattedError[] }
  /** A `next` message: a result (a subscription's first event, or a query's answer). */
  | { kind: 'next'; result: { data?: unknown; errors?: GraphQLFormattedError[] } }
  /** A subscription the server accepted: listening (its start is in the audit log), no event yet. */
  | { kind: 'listening' }
  | { kind: 'complete' };

const auditCount = async (em: EntityManager) => Number((await em.getConnection().execute(`select count(*) as n from audit_events`))[0]!.n);

/**
 * Sends one operation over a fresh graphql-ws socket and says what came of it. With `em`,
 * a subscription the server accepted is seen as `listening` once its start is audited
 * (the server writes that line when the feed listens); without, only messages count.
 */
export async function overSocket(url: string, operation: Operation, sender: Sender = {}, em?: EntityManager): Promise<SocketAnswer> {
  const authorization = sender.authorization ?? (sender.token ? `Bearer ${sender.token}` : undefined);
  const before = em ? await auditCount(em) : 0;
  let answer: SocketAnswer | null = null;
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: authorization !== undefined ? { authorization } : {},
    retryAttempts: 0,
    lazy: true,
    on: {
      closed: (event) => {
        const { code, reason } = event as { code: number; reason: string };
        answer ??= { kind: 'refused', code, reason: String(reason) };
      },
    },
  });
  const stop = client.subscribe(
    { query: operation.query, variables: operation.variables, operationName: operation.operationName },
    {
      next: (result) => {
        answer ??= { kind: 'next', result: result as { data?: unknown; errors?: GraphQLFormattedError[] } };
      },
      error: (error) => {
        if (Array.isArray(error)) answer ??= { kind: 'error', errors: error as GraphQLFormattedError[] };
        else if (error && typeof error === 'object' && 'code' in error)
          answer ??= {
            kind: 'refused',
            code: Number((error as { code: number }).code),
            reason: String((error as { reason?: string }).reason),
          };
        else answer ??= { kind: 'error', errors: [{ message: String((error as Error)?.message ?? error) }] };
      },
      complete: () => {
        answer ??= { kind: 'complete' };
      },
    },
  );
  try {
    return await eventually(async () => {
      if (answer) return answer;
      if (em && (await auditCount(em)) > before) {
        // Listening; give an `error` sent at the same moment a chance to arrive first.
        await new Promise((r) => setTimeout(r, 20));
        return answer ?? ({ kind: 'listening' } as SocketAnswer);
      }
      return null;
    }, 10);
  } finally {
    stop();
    await client.dispose();
  }
}

/** The first error's code of an answer over either transport, or undefined when there was none. */
export function codeOf(answer: HttpAnswer | SocketAnswer): unknown {
  if ('status' in answer) return answer.body?.errors?.[0]?.extensions?.code ?? (answer.body ? undefined : `HTTP_${answer.status}`);
  if (answer.kind === 'error') return answer.errors[0]?.extensions?.code;
  if (answer.kind === 'next') return answer.result.errors?.[0]?.extensions?.code;
  if (answer.kind === 'refused') return `CLOSED_${answer.code}`;
  return undefined;
}

/** Every error message and extension of an answer, joined: for checks that nothing internal leaks (paths left out). */
export function messagesOf(answer: HttpAnswer | SocketAnswer): string {
  const errors = (list: readonly GraphQLFormattedError[] | undefined) =>
    (list ?? []).map((e) => `${e.message} ${JSON.stringify(e.extensions ?? {})}`).join('\n');
  if ('status' in answer) return answer.body ? errors(answer.body.errors) : answer.text;
  if (answer.kind === 'error') return errors(answer.errors);
  if (answer.kind === 'next') return errors(answer.result.errors);
  if (answer.kind === 'refused') return answer.reason;
  return '';
}

export interface SocketSession {
  /** Sends one operation on this socket and resolves with the first message about it (never `listening`). */
  send(operation: Operation): Promise<SocketAnswer>;
  close(): Promise<void>;
}

/**
 * One graphql-ws socket for many operations, each answered by its first message: for
 * operations that answer at once (refusals, queries), without a socket per operation.
 * Resolves once the server acknowledged the connection, or with its refusal.
 */
export async function openSocket(
  url: string,
  sender: Sender = {},
): Promise<SocketSession | { kind: 'refused'; code: number; reason: string }> {
  const authorization = sender.authorization ?? (sender.token ? `Bearer ${sender.token}` : undefined);
  let closed: { kind: 'refused'; code: number; reason: string } | null = null;
  const client = createClient({
    url: `${url.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: authorization !== undefined ? { authorization } : {},
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => {},
  });
  const connected = await new Promise<boolean>((resolve) => {
    client.on('connected', () => resolve(true));
    client.on('closed', (event) => {
      const { code, reason } = event as { code: number; reason: string };
      closed = { kind: 'refused', code, reason: String(reason) };
      resolve(false);
    });
  });
  if (!connected) {
    await client.dispose();
    return closed ?? { kind: 'refused', code: 0, reason: '' };
  }
  return {
    send(operation) {
      return new Promise((resolve) => {
        let done = false;
        const finish = (answer: SocketAnswer) => {
          if (done) return;
          done = true;
          stop();
          resolve(answer);
        };
        const stop = client.subscribe(
          { query: operation.query, variables: operation.variables },
          {
            next: (result) => finish({ kind: 'next', result: result as { data?: unknown; errors?: GraphQLFormattedError[] } }),
            error: (error) =>
              finish(
                Array.isArray(error)
                  ? { kind: 'error', errors: error as GraphQLFormattedError[] }
                  : {
                      kind: 'refused',
                      code: Number((error as { code?: number })?.code ?? 0),
                      reason: String((error as { reason?: string })?.reason ?? error),
                    },
              ),
            complete: () => finish({ kind: 'complete' }),
          },
        );
      });
    },
    close: async () => {
      await client.dispose();
    },
  };
}
