import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';
import { type Client, createClient } from 'graphql-ws';
import { GRAPHQL_PATH } from './client';

/** What a live subscription hands its listener. */
export interface LiveHandlers<TData> {
  next: (data: TData) => void;
  /** The server refused or ended the subscription (e.g. a bad argument); not called for a dropped socket. */
  error?: (message: string) => void;
}

export type LiveStatus = 'connecting' | 'connected' | 'reconnecting';

/**
 * Close codes by which the server says the token is no good (graphql-ws: 4401 Unauthorized,
 * 4403 Forbidden): it expired, was revoked by a sign-out elsewhere, or the account was
 * disabled. Reconnecting with the same token would only be refused again.
 */
const REFUSED = new Set([4401, 4403]);
const refused = (event: unknown) => REFUSED.has((event as { code?: number } | null)?.code ?? 0);

/** The same origin as the page, over ws: or wss: as the page is http: or https:. */
function socketUrl(): string {
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss' : 'ws'}://${host}${GRAPHQL_PATH}`;
}

/**
 * One graphql-ws connection per signed-in session, opened when the first subscription
 * starts. The token goes in `connectionParams` because browsers cannot set headers on a
 * WebSocket; the server authorises the socket when it connects, and closes it when the
 * token expires or is revoked (then `onRefused`: the dashboard signs out).
 */
export function createLiveClient(token: string, onStatus: (status: LiveStatus) => void, onRefused: () => void): Client {
  let everConnected = false;
  const client = createClient({
    url: socketUrl(),
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: true,
    // Keep trying while the dashboard is open: a patrol shift outlasts any network blip.
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: (event) => !refused(event),
    keepAlive: 20_000,
  });
  client.on('connecting', () => onStatus(everConnected ? 'reconnecting' : 'connecting'));
  client.on('connected', () => {
    everConnected = true;
    onStatus('connected');
  });
  client.on('closed', (event) => {
    if (refused(event)) onRefused();
    else if (everConnected) onStatus('reconnecting');
  });
  return client;
}

/** Starts a typed subscription; returns the function that stops it. */
export function subscribeTyped<TData, TVariables>(
  client: Client,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables | undefined,
  handlers: LiveHandlers<TData>,
): () => void {
  return client.subscribe<TData>(
    { query: print(document), variables: (variables ?? {}) as Record<string, unknown> },
    {
      next: (result) => {
        if (result.errors?.length) handlers.error?.(result.errors.map((e) => e.message).join('; '));
        else if (result.data) handlers.next(result.data as TData);
      },
      error: (error) => {
        const message = Array.isArray(error)
          ? error.map((e: { message?: string }) => e.message ?? String(e)).join('; ')
          : error instanceof Error
            ? error.message
            : 'the live connection failed';
        handlers.error?.(message);
      },
      complete: () => {},
    },
  );
}
