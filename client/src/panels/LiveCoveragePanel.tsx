import type { Period } from '../state/period';
import type { MapState } from '../state/urlState';
import { formatCount, formatShare } from './format';
import { PaiFigure } from './PaiFigure';
import { ErrorLine, Figure, Panel } from './Panel';
import { headline, useToday } from './today';

interface LiveCoveragePanelProps {
  state: MapState;
  period: Period;
  overdueCount: number | undefined;
  live: boolean;
}

/** Visits as "3" or "1.5": a site added during the window needs part of a day's visits. */
const visits = (n: number) => (Number.isInteger(n) ? formatCount(n) : n.toFixed(1));

/** Superintendent: "which high-risk sites have had their visits today, where are my units, what is overdue?" */
export function LiveCoveragePanel({ state, period, overdueCount, live }: LiveCoveragePanelProps) {
  const today = useToday();
  const report = today.data?.coverage;
  const h = report ? headline(report.sites) : undefined;
  const t = report?.totals;
  const named = h?.short.slice(0, 6).map((s) => `${s.name} (${visits(s.achieved)} of ${visits(s.required)})`);

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
      {today.error ? <ErrorLine what="today’s coverage" error={today.error} onRetry={() => void today.refetch()} /> : null}
      <dl className="kpis" data-testid="kpis">
        <Figure
          testId="kpi-sites-met"
          label="Sites with all their visits, last 24 h"
          value={h ? `${formatCount(h.met)} of ${formatCount(h.listed)}` : '…'}
          note={
            h
              ? h.short.length === 0
                ? 'Every site on the list had the visits it needs.'
                : `Short: ${named!.join(', ')}${h.short.length > named!.length ? ` and ${h.short.length - named!.length} more` : ''}.`
              : null
          }
        />
        <Figure
          testId="kpi-coverage"
          label="Required visits made, last 24 h"
          value={h ? formatShare(h.required ? h.cappedAchieved / h.required : null) : '…'}
          note={
            h
              ? `${visits(h.cappedAchieved)} of ${visits(h.required)}, each site counted up to what it needs; ${visits(h.missing)} missing.`
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
