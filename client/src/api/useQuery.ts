import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { useCallback, useEffect, useState } from 'react';
import { useApi } from './ApiProvider';
import type { VariablesArg } from './client';
import { useQueryGate } from './QueryGate';

export interface QueryState<TData> {
  /** The last data received; kept while a new request for other variables is on its way, so maps do not flash empty. */
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

export interface QueryOptions {
  /** Do not run (a layer that is switched off, a panel waiting for a choice). */
  skip?: boolean;
  /** Run again this often while mounted, in milliseconds. */
  pollMs?: number;
  /** `high` for what the map needs to be readable at all (the zone outlines). */
  priority?: RequestPriority;
}

/** Runs a typed query when mounted and whenever its variables change. */
export function useQuery<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  ...[variables]: VariablesArg<TVariables>
): QueryState<TData> {
  return useQueryWith(document, variables, {});
}

/** `useQuery` with options: skipped while `skip`, and polled every `pollMs`. */
export function useQueryWith<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables | undefined,
  { skip: skipped = false, pollMs, priority }: QueryOptions,
): QueryState<TData> {
  const { run } = useApi();
  const gateOpen = useQueryGate();
  const skip = skipped || (!gateOpen && priority !== 'high');
  const [state, setState] = useState<Omit<QueryState<TData>, 'refetch'>>({
    data: undefined,
    error: undefined,
    loading: !skip,
    version: 0,
  });
  const [attempt, setAttempt] = useState(0);
  // Compare variables by value so callers may pass object literals.
  const variablesKey = JSON.stringify(variables ?? {});

  // biome-ignore lint/correctness/useExhaustiveDependencies: variablesKey stands for variables; attempt re-runs on refetch
  useEffect(() => {
    if (skip) {
      setState((s) => (s.loading ? { ...s, loading: false } : s));
      return;
    }
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    run(document, variables, controller.signal, priority).then(
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
  }, [run, document, variablesKey, attempt, skip, priority]);

  useEffect(() => {
    if (skip || !pollMs) return;
    const timer = window.setInterval(() => setAttempt((n) => n + 1), pollMs);
    return () => window.clearInterval(timer);
  }, [skip, pollMs]);

  const refetch = useCallback(() => setAttempt((n) => n + 1), []);
  return { ...state, refetch };
}
