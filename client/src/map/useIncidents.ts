import { DashboardIncidentsDocument, type DashboardIncidentsQuery, type IncidentFilter } from '@vigil/schema';
import { useEffect, useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { useQueryGate } from '../api/QueryGate';

export type IncidentPoint = DashboardIncidentsQuery['incidents']['nodes'][number];

/** The API's page limit. */
const PAGE = 500;
/** Beyond this the map would be a smear of dots: the hot-spot layer is the way to read more. */
export const MAX_INCIDENTS = 20_000;

export interface IncidentsState {
  incidents: readonly IncidentPoint[] | undefined;
  /** How many match the filter, including any not loaded. */
  total: number | undefined;
  loading: boolean;
  error: Error | undefined;
}

/**
 * All incidents matching the filter, page by page (500 at a time, the API's limit), up to
 * MAX_INCIDENTS. The map shows each page as it arrives only once all are in, so a filter
 * change redraws once.
 */
export function useIncidents(filter: IncidentFilter, skipped: boolean): IncidentsState {
  const { run } = useApi();
  const gateOpen = useQueryGate();
  const skip = skipped || !gateOpen;
  const [state, setState] = useState<IncidentsState>({ incidents: undefined, total: undefined, loading: !skip, error: undefined });
  const key = JSON.stringify(filter);

  // biome-ignore lint/correctness/useExhaustiveDependencies: key stands for filter
  useEffect(() => {
    if (skip) return;
    const controller = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    (async () => {
      const all: IncidentPoint[] = [];
      let after: string | null | undefined;
      let total = 0;
      do {
        const { incidents } = await run(DashboardIncidentsDocument, { filter, first: PAGE, after }, controller.signal);
        all.push(...incidents.nodes);
        total = incidents.totalCount;
        after = incidents.pageInfo.hasNextPage ? incidents.pageInfo.endCursor : null;
      } while (after && all.length < MAX_INCIDENTS && !controller.signal.aborted);
      return { all, total };
    })().then(
      ({ all, total }) => {
        if (!controller.signal.aborted) setState({ incidents: all, total, loading: false, error: undefined });
      },
      (error: unknown) => {
        if (!controller.signal.aborted)
          setState((s) => ({ ...s, loading: false, error: error instanceof Error ? error : new Error(String(error)) }));
      },
    );
    return () => controller.abort();
  }, [run, key, skip]);

  return state;
}
