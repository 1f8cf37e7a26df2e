import { DashboardSitesDocument, type DashboardSitesQuery } from '@vigil/schema';
import { useCallback, useEffect, useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { useQueryGate } from '../api/QueryGate';
import { useVisitEvents } from '../api/useLiveRefresh';

export type SitePoint = DashboardSitesQuery['sites']['nodes'][number];

export interface SitesState {
  sites: readonly SitePoint[] | undefined;
  loading: boolean;
  error: Error | undefined;
  refetch: () => void;
}

/** Every site on the list (500 a page), with its coverage status, refreshed as visits are recorded or sites go overdue. */
export function useSites(skipped: boolean): SitesState {
  const { run } = useApi();
  const gateOpen = useQueryGate();
  const skip = skipped || !gateOpen;
  const [attempt, setAttempt] = useState(0);
  const [state, setState] = useState<Omit<SitesState, 'refetch'>>({ sites: undefined, loading: !skip, error: undefined });
  const refetch = useCallback(() => setAttempt((n) => n + 1), []);
  useVisitEvents(refetch, !skip);

  // biome-ignore lint/correctness/useExhaustiveDependencies: attempt re-runs on refetch
  useEffect(() => {
    if (skip) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    (async () => {
      const all: SitePoint[] = [];
      let after: string | null | undefined;
      do {
        const { sites } = await run(DashboardSitesDocument, { first: 500, after }, controller.signal);
        all.push(...sites.nodes);
        after = sites.pageInfo.hasNextPage ? sites.pageInfo.endCursor : null;
      } while (after && !controller.signal.aborted);
      return all;
    })().then(
      (sites) => {
        if (!controller.signal.aborted) setState({ sites, loading: false, error: undefined });
      },
      (error: unknown) => {
        if (!controller.signal.aborted)
          setState((s) => ({ ...s, loading: false, error: error instanceof Error ? error : new Error(String(error)) }));
      },
    );
    return () => controller.abort();
  }, [run, skip, attempt]);

  return { ...state, refetch };
}
