import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import type { Client } from 'graphql-ws';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { execute, GraphQLRequestError } from './client';
import { createLiveClient, type LiveHandlers, type LiveStatus, subscribeTyped } from './live';

interface ApiContextValue {
  run: <TData, TVariables>(
    document: TypedDocumentNode<TData, TVariables>,
    variables?: TVariables,
    signal?: AbortSignal,
    priority?: RequestPriority,
  ) => Promise<TData>;
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

/** Gives the signed-in part of the dashboard a `run` that sends the token and signs out when it is rejected, and live subscriptions. */
export function ApiProvider({ token, onUnauthenticated, children }: ApiProviderProps) {
  const [liveStatus, setLiveStatus] = useState<LiveStatus>('connecting');
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
      onUnauthenticated,
    );
    setLive({ client, reconnectListeners });
    return () => void client.dispose();
  }, [token, onUnauthenticated]);

  const run = useCallback<ApiContextValue['run']>(
    async (document, variables, signal, priority) => {
      try {
        return await execute(document, variables, { token, signal, priority });
      } catch (error) {
        if (error instanceof GraphQLRequestError && error.unauthenticated) onUnauthenticated();
        throw error;
      }
    },
    [token, onUnauthenticated],
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
  return <ApiContext value={value}>{children}</ApiContext>;
}

/** The authorised GraphQL runner; only usable below <ApiProvider>. */
export function useApi(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi must be used inside <ApiProvider>');
  return value;
}
