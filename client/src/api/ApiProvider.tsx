import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import type { Client } from 'graphql-ws';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { execute, GraphQLRequestError, NetworkError } from './client';
import { createLiveClient, type LiveHandlers, type LiveStatus, subscribeTyped } from './live';

interface ApiContextValue {
  /** Runs one operation with the session's token; the hooks in `queries.ts` are built on it. */
  run: <TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables?: TVariables, signal?: AbortSignal) => Promise<TData>;
  /** Starts a subscription over the session's graphql-ws socket; returns the function that stops it. */
  subscribe: <TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables: TVariables | undefined,
    handlers: LiveHandlers<TData>,
  ) => () => void;
  /** The socket's state, for the "live" badge; 'connecting' until the first subscription opens it. */
  liveStatus: LiveStatus;
  /** Calls back each time the socket comes back after a drop, so feeds can catch up. */
  onReconnect: (callback: () => void) => () => void;
}

const ApiContext = createContext<ApiContextValue | null>(null);

interface ApiProviderProps {
  token: string;
  /** Called when the server rejects the token (expired, revoked, user disabled). */
  onUnauthenticated: () => void;
  children: ReactNode;
}

/** Errors a second try cannot mend: the server understood the request and said no. */
function retryable(failures: number, error: unknown): boolean {
  return failures < 2 && error instanceof NetworkError;
}

/**
 * The signed-in session's API: one TanStack Query cache (queries deduplicated and shared by
 * every component that shows the same thing, previous data kept while new data loads) and
 * one graphql-ws socket for live events. Made per token (App keys it), so a new sign-in
 * starts with an empty cache and no data of the last user.
 */
export function ApiProvider({ token, onUnauthenticated, children }: ApiProviderProps) {
  const [liveStatus, setLiveStatus] = useState<LiveStatus>('connecting');
  const signOut = useRef(onUnauthenticated);
  signOut.current = onUnauthenticated;
  const [queryClient] = useState(() => {
    const onError = (error: unknown) => {
      if (error instanceof GraphQLRequestError && error.unauthenticated) signOut.current();
    };
    return new QueryClient({
      queryCache: new QueryCache({ onError }),
      mutationCache: new MutationCache({ onError }),
      defaultOptions: {
        queries: {
          // Live events and mutations mark what changed (see liveCache.ts); nothing goes stale by the clock alone.
          staleTime: Number.POSITIVE_INFINITY,
          retry: retryable,
          refetchOnWindowFocus: false,
        },
        mutations: { retry: false },
      },
    });
  });
  useEffect(() => () => queryClient.clear(), [queryClient]);

  // Made in an effect, not during render, so StrictMode's mount-unmount-mount gets a live client.
  const [live, setLive] = useState<{ client: Client; reconnectListeners: Set<() => void> } | null>(null);
  useEffect(() => {
    const reconnectListeners = new Set<() => void>();
    let wasConnected = false;
    const client = createLiveClient(
      token,
      (status) => {
        setLiveStatus(status);
        if (status === 'connected') {
          if (wasConnected) for (const listener of reconnectListeners) listener();
          wasConnected = true;
        }
      },
      () => signOut.current(),
    );
    setLive({ client, reconnectListeners });
    return () => void client.dispose();
  }, [token]);

  const run = useCallback<ApiContextValue['run']>(
    (document, variables, signal) => execute(document, variables, { token, signal }),
    [token],
  );
  const subscribe = useCallback<ApiContextValue['subscribe']>(
    (document, variables, handlers) => (live ? subscribeTyped(live.client, document, variables, handlers) : () => {}),
    [live],
  );
  const onReconnect = useCallback(
    (callback: () => void) => {
      live?.reconnectListeners.add(callback);
      return () => void live?.reconnectListeners.delete(callback);
    },
    [live],
  );
  const value = useMemo(() => ({ run, subscribe, liveStatus, onReconnect }), [run, subscribe, liveStatus, onReconnect]);
  return (
    <QueryClientProvider client={queryClient}>
      <ApiContext value={value}>{children}</ApiContext>
    </QueryClientProvider>
  );
}

/** The session's API; only usable below <ApiProvider>. */
export function useApi(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi must be used inside <ApiProvider>');
  return value;
}
