import { DashboardLatestOperationDocument, DashboardTrendDocument, type DashboardTrendQuery } from '@vigil/schema';
import { type Ref, useId, useRef, useState } from 'react';
import { useGraphQL } from '../api/queries';
import { download, downloadCsv, stamp, svgToPng } from '../export/files';
import { DateTimeField } from '../forms/DateFields';
import { categoryLabel } from '../state/categories';
import { incidentFilterOf } from '../state/incidentFilter';
import { useMapReady } from '../state/mapReady';
import { formatDate, formatDateTime } from '../state/period';
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

function TrendChart({ trend, svgRef }: { trend: Trend; svgRef: Ref<SVGSVGElement> }) {
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
      ref={svgRef}
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

/** Which event to compare around: an operation's start, or a date and time of the analyst's own. */
type EventPick = { kind: 'operation'; id: string } | { kind: 'custom'; at: number };

/** Before and after the event: daily counts, and whether the change is real (an exact Poisson rate test), not just a bar chart. */
export function TrendPanel({ state }: { state: MapState }) {
  const id = useId();
  const [days, setDays] = useState(28);
  const [pick, setPick] = useState<EventPick | null>(null);
  const chart = useRef<SVGSVGElement>(null);
  const mapReady = useMapReady();
  const operations = useGraphQL(DashboardLatestOperationDocument, undefined);
  const list = operations.data?.operations ?? [];
  // Until the analyst picks, the latest operation (the list is latest first).
  const chosen = pick ?? (list[0] ? { kind: 'operation' as const, id: list[0].id } : null);
  const operation = chosen?.kind === 'operation' ? list.find((o) => o.id === chosen.id) : undefined;
  const eventAt = chosen?.kind === 'custom' ? new Date(chosen.at).toISOString() : operation?.startsAt;
  const eventName =
    chosen?.kind === 'custom'
      ? `your date, ${formatDateTime(eventAt!)}`
      : operation
        ? `${operation.name}, ${formatDate(operation.startsAt)}`
        : '';
  const trend = useGraphQL(
    DashboardTrendDocument,
    eventAt
      ? {
          eventAt,
          days,
          // The map's filter less its window (the trend's windows come from the event), over the map's area.
          filter: { ...incidentFilterOf(state), commandArea: true },
        }
      : undefined,
    { enabled: Boolean(eventAt) && mapReady },
  );
  const t = trend.data?.incidentTrend;
  // While the chosen event or window loads, the chart still shows the last answer: exporting
  // it then would save the counts of a window no longer chosen.
  const stale = trend.isPlaceholderData;
  const categories = state.categories.map(categoryLabel).join(', ').toLowerCase();
  const what = state.hateOnly ? `hate crime${categories ? `: ${categories}` : ' only'}` : categories || 'all incidents';

  const exportCsv = () => {
    if (!t) return;
    downloadCsv(
      `vigil-trend-${stamp()}.csv`,
      ['day', 'incidents', 'window', 'event', 'event_at', 'incidents_counted'],
      t.daily.map((d) => [d.day.slice(0, 10), d.count, d.afterEvent ? 'after' : 'before', eventName, t.eventAt, what]),
    );
  };
  const exportPng = async () => {
    if (chart.current) download(`vigil-trend-${stamp()}.png`, 'image/png', await svgToPng(chart.current));
  };

  return (
    <Panel id="trend" title="Before and after an event">
      {operations.error ? <ErrorLine what="the operations" error={operations.error} onRetry={() => void operations.refetch()} /> : null}
      <div className="form-grid">
        <label htmlFor={`${id}-event`}>Event</label>
        <select
          id={`${id}-event`}
          value={chosen ? (chosen.kind === 'custom' ? 'custom' : chosen.id) : ''}
          onChange={(e) =>
            setPick(
              e.target.value === 'custom'
                ? { kind: 'custom', at: eventAt ? Date.parse(eventAt) : Math.floor(Date.now() / 3_600_000) * 3_600_000 }
                : { kind: 'operation', id: e.target.value },
            )
          }
          data-testid="trend-event-pick"
        >
          {list.length === 0 ? <option value="">No operation recorded</option> : null}
          {list.map((o) => (
            <option key={o.id} value={o.id}>
              {o.name}, {formatDate(o.startsAt)}
            </option>
          ))}
          <option value="custom">A date and time of my own…</option>
        </select>
        {chosen?.kind === 'custom' ? (
          <DateTimeField
            label="Event at"
            value={chosen.at}
            onChange={(at) => setPick({ kind: 'custom', at })}
            data-testid="trend-event-at"
          />
        ) : null}
        <label htmlFor={`${id}-days`}>Window</label>
        <select id={`${id}-days`} value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="trend-days">
          {[7, 14, 28, 56].map((d) => (
            <option key={d} value={d}>
              {d} days each side
            </option>
          ))}
        </select>
      </div>
      {eventAt ? (
        <p className="panel-note" data-testid="trend-event">
          Around {eventName}
          {t && t.days < days ? <span className="muted"> (only {t.days} days have passed since)</span> : null}
        </p>
      ) : null}
      {trend.error ? <ErrorLine what="the trend" error={trend.error} onRetry={() => void trend.refetch()} /> : null}
      {t ? (
        <>
          <TrendChart trend={t} svgRef={chart} />
          <p className="chart-key">
            <span className="key-swatch" style={{ background: BEFORE }} /> before{' '}
            <span className="key-swatch" style={{ background: AFTER }} /> after · dashed: mean per day · {what}
          </p>
          <p className="trend-text" data-testid="trend-text">
            {trendSentence(t)}
          </p>
          <p className="panel-note" data-testid="trend-filter">
            Counted: {t.beforeFilter.description.replace(/, [^,]+ to [^,]+$/, '')}, in each window.
          </p>
          <div className="row">
            <button type="button" className="button button-small" onClick={exportCsv} disabled={stale} data-testid="export-trend-csv">
              Counts (CSV)
            </button>
            <button
              type="button"
              className="button button-small"
              onClick={() => void exportPng()}
              disabled={stale}
              data-testid="export-trend-png"
            >
              Chart (PNG)
            </button>
            {stale ? <span className="muted">updating…</span> : null}
          </div>
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
      ) : eventAt && trend.isFetching ? (
        <p className="muted">Counting…</p>
      ) : null}
    </Panel>
  );
}
