import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createContext, type ReactNode, useCallback, useContext, useMemo } from 'react';
import { execute, GraphQLRequestError } from './client';

interface ApiContextValue {
  run: <TData, TVariables>(document: TypedDocumentNode<TData, TVariables>, variables?: TVariables, signal?: AbortSignal) => Promise<TData>;
}

const ApiContext = createContext<ApiContextValue | null>(null);

interface ApiProviderProps {
  token: string;
  /** Called when the server rejects the token (expired, revoked, user disabled). */
  onUnauthenticated: () => void;
  children: ReactNode;
}

/** Gives the signed-in part of the dashboard a `run` that sends the token and signs out when it is rejected. */
export function ApiProvider({ token, onUnauthenticated, children }: ApiProviderProps) {
  const run = useCallback<ApiContextValue['run']>(
    async (document, variables, signal) => {
      try {
        return await execute(document, variables, { token, signal });
      } catch (error) {
        if (error instanceof GraphQLRequestError && error.unauthenticated) onUnauthenticated();
        throw error;
      }
    },
    [token, onUnauthenticated],
  );
  const value = useMemo(() => ({ run }), [run]);
  return <ApiContext value={value}>{children}</ApiContext>;
}

/** The authorised GraphQL runner; only usable below <ApiProvider>. */
export function useApi(): ApiContextValue {
  const value = useContext(ApiContext);
  if (!value) throw new Error('useApi must be used inside <ApiProvider>');
  return value;
}
