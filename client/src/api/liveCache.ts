import { useQueryClient } from '@tanstack/react-query';
import {
  DashboardOverdueDocument,
  DashboardSiteDetailDocument,
  DashboardSiteOverdueDocument,
  DashboardSitesDocument,
  DashboardTodayDocument,
  DashboardVisitRecordedDocument,
  PatrolPlansDocument,
} from '@vigil/schema';
import { createContext, useContext, useEffect, useState } from 'react';
import { useApi } from './ApiProvider';
import { invalidate, queryKey } from './queries';

/** Without live events (socket down or refused), data that changes with visits is polled this often. */
export const POLL_MS = 60_000;
/** Events close together (a unit passing several sites) refresh once. */
const SETTLE_MS = 1000;

/**
 * One `visitRecorded` and one `siteOverdue` subscription for the session (each is audited on
 * the server, and one feed is enough), turned into cache updates: the site list, the
 * overdue list and today's figures are marked stale, and of the site details only those of
 * the sites the events name; patrol plans' progress too. Returns whether the feed is live; while it is not, the hooks
 * that show visits poll (see `useVisitPolling`).
 */
export function useLiveCache(enabled: boolean): boolean {
  const { subscribe, liveStatus } = useApi();
  const client = useQueryClient();
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    if (!enabled) return;
    const sites = new Set<string>();
    let timer: number | undefined;
    const changed = (siteId: string) => {
      sites.add(siteId);
      timer ??= window.setTimeout(() => {
        timer = undefined;
        void invalidate(client, DashboardSitesDocument, DashboardOverdueDocument, DashboardTodayDocument, PatrolPlansDocument);
        for (const id of sites) void client.invalidateQueries({ queryKey: queryKey(DashboardSiteDetailDocument, { id }) });
        sites.clear();
      }, SETTLE_MS);
    };
    const onError = () => setFailed(true);
    const stops = [
      subscribe(DashboardVisitRecordedDocument, undefined, { next: (e) => changed(e.visitRecorded.site.id), error: onError }),
      subscribe(DashboardSiteOverdueDocument, undefined, { next: (e) => changed(e.siteOverdue.site.id), error: onError }),
    ];
    return () => {
      for (const stop of stops) stop();
      window.clearTimeout(timer);
    };
  }, [enabled, subscribe, client]);

  return enabled && liveStatus === 'connected' && !failed;
}

/** Whether the visit feed is live, for the hooks below <Dashboard> that show visits. */
export const VisitFeedContext = createContext(false);

/** `refetchInterval` for queries that change with visits: none while the feed is live, a minute while it is not. */
export function useVisitPolling(): number | false {
  return useContext(VisitFeedContext) ? false : POLL_MS;
}
