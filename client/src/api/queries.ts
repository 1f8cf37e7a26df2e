import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  keepPreviousData,
  type QueryClient,
  type QueryKey,
  type UseQueryOptions,
  useMutation,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import type { DocumentNode } from 'graphql';
import { useApi } from './ApiProvider';
import { operationName } from './client';

/**
 * Queries and mutations over the typed documents generated from the SDL, on TanStack Query.
 * A query's key is its operation name and variables, so two components asking for the same
 * site share one request and one cached answer (one audited read), and a mutation or a live
 * event marks stale exactly the operations it changes (`invalidate`).
 */

export function queryKey(document: DocumentNode, variables?: unknown): QueryKey {
  const name = operationName(document) ?? 'anonymous';
  return variables === undefined ? [name] : [name, variables];
}

type Options<TData> = Omit<UseQueryOptions<TData, Error, TData, QueryKey>, 'queryKey' | 'queryFn'> & {
  /** Show the last answer while the next one loads (a map must not flash empty when a filter changes). Default on. */
  keepPrevious?: boolean;
};

/** Runs a typed query while mounted (and `enabled`); refetches when its variables change. */
export function useGraphQL<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables | undefined,
  { keepPrevious = true, ...options }: Options<TData> = {},
) {
  const { run } = useApi();
  return useQuery({
    queryKey: queryKey(document, variables),
    queryFn: ({ signal }) => run(document, variables, signal),
    placeholderData: keepPrevious ? keepPreviousData : undefined,
    ...options,
  });
}

/**
 * A typed mutation; on success it marks stale every cached answer of the `invalidates`
 * operations (any variables), so whatever shows them fetches them again.
 */
export function useGraphQLMutation<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  { invalidates = [], onSuccess }: { invalidates?: DocumentNode[]; onSuccess?: (data: TData) => void } = {},
) {
  const { run } = useApi();
  const client = useQueryClient();
  return useMutation({
    mutationFn: (variables: TVariables) => run(document, variables),
    onSuccess: async (data) => {
      onSuccess?.(data);
      await invalidate(client, ...invalidates);
    },
  });
}

/** Marks stale every cached answer of these operations; those on screen are fetched again. */
export function invalidate(client: QueryClient, ...documents: DocumentNode[]): Promise<void> {
  return Promise.all(documents.map((d) => client.invalidateQueries({ queryKey: queryKey(d) }))).then(() => {});
}
