import { DashboardTodayDocument } from '@vigil/schema';
import { useVisitEvents } from '../api/useLiveRefresh';
import { useQueryWith } from '../api/useQuery';
import { type Period, useClock } from '../state/period';
import type { MapState } from '../state/urlState';
import { formatCount, formatShare } from './format';
import { PaiFigure } from './PaiFigure';
import { ErrorLine, Figure, Panel } from './Panel';

interface LiveCoveragePanelProps {
  state: MapState;
  period: Period;
  overdueCount: number | undefined;
  live: boolean;
}

/** Superintendent: "which high-risk sites have had their visits today, where are my units, what is overdue?" */
export function LiveCoveragePanel({ state, period, overdueCount, live }: LiveCoveragePanelProps) {
  // "Today" is the rolling last 24 hours, the window each site's own status uses, so the
  // figures do not drop to nothing at midnight.
  const now = useClock(60_000);
  const today = useQueryWith(
    DashboardTodayDocument,
    { input: { from: new Date(now - 86_400_000).toISOString(), to: new Date(now).toISOString() } },
    {},
  );
  useVisitEvents(today.refetch);
  const t = today.data?.coverage.totals;

  return (
    <Panel
      id="superintendent"
      title="Live coverage"
      aside={
        <span className={`live-badge${live ? ' live-on' : ''}`} data-testid="live-status">
          {live ? 'Live' : 'Reconnecting…'}
        </span>
      }
    >
      {today.error ? <ErrorLine what="today’s coverage" error={today.error} onRetry={today.refetch} /> : null}
      <dl className="kpis" data-testid="kpis">
        <Figure
          testId="kpi-coverage"
          label="Site visits, last 24 h"
          value={t ? formatShare(t.compliance) : '…'}
          note={
            t
              ? `${formatCount(t.achievedVisits)} of ${formatCount(t.requiredVisits)} visits required at ${formatCount(t.sites)} site${t.sites === 1 ? '' : 's'}`
              : null
          }
        />
        <Figure
          testId="kpi-overdue"
          label="Overdue sites"
          value={overdueCount === undefined ? '…' : formatCount(overdueCount)}
          note="No visit for longer than 24 h ÷ visits required per day"
        />
        <Figure
          testId="kpi-koper"
          label="Koper-compliant visits, last 24 h"
          value={t ? formatCount(t.koperCompliantVisits) : '…'}
          note="Stops of 10–16 minutes, the longest-lasting deterrence (Koper 1995)"
        />
        <Figure
          testId="kpi-zone-coverage"
          label="Zone area patrolled, last 24 h"
          value={t ? formatShare(t.coveredShare) : '…'}
          note="Share of the zones’ area within the visit radius of a patrol path"
        />
        <PaiFigure state={state} period={period} />
      </dl>
    </Panel>
  );
}
