import { DashboardOverdueDocument, type DashboardOverdueQuery } from '@vigil/schema';
import { useContext } from 'react';
import { useVisitPolling, VisitFeedContext } from '../api/liveCache';
import { useGraphQL } from '../api/queries';
import { SITE_KIND_LABELS } from '../map/layers';
import { formatDateTime, formatDuration } from '../state/period';
import { ErrorLine, Panel } from './Panel';

export type OverdueSite = DashboardOverdueQuery['overdueSites'][number];

/** The overdue list, refetched when a visit is recorded or a site goes overdue (polled each minute if the live feed is down). */
export function useOverdue(enabled: boolean) {
  return useGraphQL(DashboardOverdueDocument, undefined, { enabled, refetchInterval: useVisitPolling() });
}

interface OverduePanelProps {
  overdue: ReturnType<typeof useOverdue>;
  onSelect: (site: OverdueSite['site']) => void;
}

/** Sites past their due time, most overdue first; picking one shows it on the map and its detail. */
export function OverduePanel({ overdue, onSelect }: OverduePanelProps) {
  const live = useContext(VisitFeedContext);
  const list = overdue.data?.overdueSites;
  return (
    <Panel id="overdue" title="Overdue sites">
      {overdue.error ? <ErrorLine what="the overdue sites" error={overdue.error} onRetry={() => void overdue.refetch()} /> : null}
      {list === undefined ? (
        <p className="muted">Loading…</p>
      ) : list.length === 0 ? (
        <p className="muted" data-testid="overdue-none">
          No site is overdue.
        </p>
      ) : (
        <ol className="overdue-list" data-testid="overdue-list" aria-live="polite">
          {list.map((item) => (
            <li key={item.site.id}>
              <button type="button" className="overdue-item" onClick={() => onSelect(item.site)} data-testid="overdue-item">
                <span className="overdue-name">{item.site.name}</span>
                <span className="overdue-meta">
                  {SITE_KIND_LABELS[item.site.kind]} · overdue {formatDuration(item.overdueMinutes * 60_000)}
                  {item.lastVisitAt ? ` · last visit ${formatDateTime(item.lastVisitAt)}` : ' · never visited'}
                </span>
              </button>
            </li>
          ))}
        </ol>
      )}
      <p className="panel-note">{live ? 'Updates live as visits are recorded.' : 'Live feed unavailable: refreshed every minute.'}</p>
    </Panel>
  );
}
