import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useCallback, useEffect, useState } from 'react';
import { useApi } from './ApiProvider';
import type { VariablesArg } from './client';

export interface QueryState<TData> {
  data: TData | undefined;
  error: Error | undefined;
  loading: boolean;
  /**
   * Goes up by one each time new data arrives. Components that do not redraw when their
   * data changes (react-leaflet's GeoJSON) use it as their `key`.
   */
  version: number;
  refetch: () => void;
}

/** Runs a typed query when mounted and whenever its variables change. */
export function useQuery<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  ...[variables]: VariablesArg<TVariables>
): QueryState<TData> {
  const { run } = useApi();
  const [state, setState] = useState<Omit<QueryState<TData>, 'refetch'>>({
    data: undefined,
    error: undefined,
    loading: true,
    version: 0,
  });
  const [attempt, setAttempt] = useState(0);
  // Compare variables by value so callers may pass object literals.
  const variablesKey = JSON.stringify(variables ?? {});

  // biome-ignore lint/correctness/useExhaustiveDependencies: variablesKey stands for variables; attempt re-runs on refetch
  useEffect(() => {
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    run(document, variables, controller.signal).then(
      (data) => {
        if (controller.signal.aborted) return;
        setState((s) => ({ data, error: undefined, loading: false, version: s.version + 1 }));
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setState((s) => ({ ...s, loading: false, error: error instanceof Error ? error : new Error(String(error)) }));
      },
    );
    return () => controller.abort();
  }, [run, document, variablesKey, attempt]);

  const refetch = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, refetch };
}
