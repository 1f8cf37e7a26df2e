import { DashboardLatestOperationDocument, DashboardTrendDocument, type DashboardTrendQuery } from '@vigil/schema';
import { useId, useState } from 'react';
import { useQuery, useQueryWith } from '../api/useQuery';
import { categoryLabel } from '../state/categories';
import { incidentFilterOf } from '../state/incidentFilter';
import { formatDate } from '../state/period';
import type { MapState } from '../state/urlState';
import { formatCount, formatP, formatRatio } from './format';
import { ErrorLine, Panel } from './Panel';

type Trend = DashboardTrendQuery['incidentTrend'];

const BEFORE = '#4f6d8a';
const AFTER = '#b4501a';

/** The change in words: the ratio, its 95 % interval and the p-value of the exact Poisson rate test. */
export function trendSentence(
  t: Pick<Trend, 'before' | 'after' | 'days' | 'rateRatio' | 'lower95' | 'upper95' | 'pValue' | 'significant'>,
): string {
  const counts = `${formatCount(t.after)} incidents in the ${t.days} days after the event against ${formatCount(t.before)} in the ${t.days} days before`;
  if (t.rateRatio === null || t.rateRatio === undefined) return `${counts}: none before, so no ratio can be given.`;
  const interval = `95 % interval ${formatRatio(t.lower95)} to ${t.upper95 === null || t.upper95 === undefined ? '∞' : formatRatio(t.upper95)}`;
  const change = t.rateRatio > 1 ? 'rise' : t.rateRatio < 1 ? 'fall' : 'change';
  const verdict = t.significant
    ? `a significant ${change} at the 5 % level`
    : `no significant change at the 5 % level (the ${change} could be chance)`;
  return `${counts}: rate ratio ${formatRatio(t.rateRatio)} (${interval}), ${formatP(t.pValue)} — ${verdict}.`;
}

function TrendChart({ trend }: { trend: Trend }) {
  const width = 320;
  const height = 130;
  const pad = { left: 28, right: 6, top: 8, bottom: 22 };
  const max = Math.max(1, ...trend.daily.map((d) => d.count));
  const n = trend.daily.length;
  const bw = (width - pad.left - pad.right) / Math.max(1, n);
  const y = (v: number) => pad.top + (height - pad.top - pad.bottom) * (1 - v / max);
  const firstAfter = trend.daily.findIndex((d) => d.afterEvent);
  const eventX = pad.left + (firstAfter < 0 ? n : firstAfter) * bw;
  const beforeMean = trend.before / Math.max(1, trend.days);
  const afterMean = trend.after / Math.max(1, trend.days);
  return (
    <svg
      className="trend-chart"
      viewBox={`0 0 ${width} ${height}`}
      role="img"
      aria-label={`Incidents per day, ${trend.days} days before and after the event`}
      data-testid="trend-chart"
    >
      <line x1={pad.left} x2={width - pad.right} y1={y(0)} y2={y(0)} stroke="#8a96a3" />
      <text x={pad.left - 4} y={y(max) + 4} textAnchor="end" className="chart-text">
        {max}
      </text>
      <text x={pad.left - 4} y={y(0)} textAnchor="end" className="chart-text">
        0
      </text>
      {trend.daily.map((d, k) => (
        <rect
          key={d.day}
          x={pad.left + k * bw + 0.5}
          y={y(d.count)}
          width={Math.max(1, bw - 1)}
          height={y(0) - y(d.count)}
          fill={d.afterEvent ? AFTER : BEFORE}
        >
          <title>
            {formatDate(d.day)}: {d.count}
          </title>
        </rect>
      ))}
      {/* Mean per day in each window: the two rates the test compares. */}
      <line x1={pad.left} x2={eventX} y1={y(beforeMean)} y2={y(beforeMean)} stroke="#17212b" strokeDasharray="3 2" />
      <line x1={eventX} x2={width - pad.right} y1={y(afterMean)} y2={y(afterMean)} stroke="#17212b" strokeDasharray="3 2" />
      <line x1={eventX} x2={eventX} y1={pad.top - 4} y2={y(0) + 4} stroke="#17212b" strokeWidth="1.5" />
      <text x={pad.left} y={height - 6} className="chart-text">
        −{trend.days} d
      </text>
      <text x={eventX} y={height - 6} textAnchor="middle" className="chart-text">
        event
      </text>
      <text x={width - pad.right} y={height - 6} textAnchor="end" className="chart-text">
        +{trend.days} d
      </text>
    </svg>
  );
}

/** Before and after the event: daily counts, and whether the change is real (an exact Poisson rate test), not just a bar chart. */
export function TrendPanel({ state }: { state: MapState }) {
  const id = useId();
  const [days, setDays] = useState(28);
  const operations = useQuery(DashboardLatestOperationDocument);
  const latest = operations.data?.operations[0];
  const trend = useQueryWith(
    DashboardTrendDocument,
    latest
      ? {
          eventAt: latest.startsAt,
          days,
          // The map's filter less its window: the trend's windows come from the event.
          filter: incidentFilterOf(state),
        }
      : undefined,
    { skip: !latest },
  );
  const t = trend.data?.incidentTrend;
  const categories = state.categories.map(categoryLabel).join(', ').toLowerCase();
  const what = state.hateOnly ? `hate crime${categories ? `: ${categories}` : ' only'}` : categories || 'all incidents';

  return (
    <Panel id="trend" title="Before and after the event">
      {operations.error ? <ErrorLine what="the operations" error={operations.error} onRetry={operations.refetch} /> : null}
      {operations.data && !latest ? <p className="muted">No operation is recorded, so there is no event date to compare around.</p> : null}
      {latest ? (
        <>
          <div className="form-grid">
            <span className="form-label">Event</span>
            <span data-testid="trend-event">
              {latest.name}, {formatDate(latest.startsAt)}
              {t && t.days < days ? <span className="muted"> (only {t.days} days have passed since)</span> : null}
            </span>
            <label htmlFor={`${id}-days`}>Window</label>
            <select id={`${id}-days`} value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="trend-days">
              {[7, 14, 28, 56].map((d) => (
                <option key={d} value={d}>
                  {d} days each side
                </option>
              ))}
            </select>
          </div>
          {trend.error ? <ErrorLine what="the trend" error={trend.error} onRetry={trend.refetch} /> : null}
          {t ? (
            <>
              <TrendChart trend={t} />
              <p className="chart-key">
                <span className="key-swatch" style={{ background: BEFORE }} /> before{' '}
                <span className="key-swatch" style={{ background: AFTER }} /> after · dashed: mean per day · {what}
              </p>
              <p className="trend-text" data-testid="trend-text">
                {trendSentence(t)}
              </p>
              {t.byCommunity.length > 0 ? (
                <>
                  <h3 className="subhead">Hate crime by community</h3>
                  <ul className="community-list" data-testid="trend-communities">
                    {t.byCommunity.map((c) => (
                      <li key={c.community}>
                        <strong>{c.community}</strong>: {c.before} before, {c.after} after; rate ratio {formatRatio(c.rateRatio)} (95 %{' '}
                        {formatRatio(c.lower95)} to {c.upper95 == null ? '∞' : formatRatio(c.upper95)}), {formatP(c.pValue)}
                        {c.significant ? ', significant' : ', not significant'}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </>
          ) : trend.loading ? (
            <p className="muted">Counting…</p>
          ) : null}
        </>
      ) : null}
    </Panel>
  );
}
