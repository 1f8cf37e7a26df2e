import { useQueryClient } from '@tanstack/react-query';
import { DashboardTraceDocument } from '@vigil/schema';
import { useEffect, useId, useRef, useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { errorMessage } from '../api/client';
import { queryKey } from '../api/queries';
import { DateTimeField } from '../forms/DateFields';
import type { Trace } from '../map/TraceLayer';
import type { UnitInfo } from '../map/useLiveUnits';
import { formatDateTime, formatTime } from '../state/period';
import { formatCount } from './format';
import { Panel } from './Panel';

/** A whole replay takes about this long, however many fixes the window has. */
const REPLAY_MS = 15_000;

interface TracePanelProps {
  units: readonly UnitInfo[] | undefined;
  trace: Trace | null;
  onTrace: (trace: Trace | null) => void;
  replayIndex: number;
  onReplayIndex: (index: number) => void;
}

/** Where a unit went over a window (at most 7 days), replayable with a time slider. */
export function TracePanel({ units, trace, onTrace, replayIndex, onReplayIndex }: TracePanelProps) {
  const { run } = useApi();
  const client = useQueryClient();
  const id = useId();
  const [unitId, setUnitId] = useState('');
  const [from, setFrom] = useState(() => Math.floor(Date.now() / 60_000) * 60_000 - 8 * 3_600_000);
  const [to, setTo] = useState(() => Math.ceil(Date.now() / 60_000) * 60_000);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [playing, setPlaying] = useState(false);

  const chosen = unitId || units?.[0]?.id || '';
  const count = trace?.points.length ?? 0;
  const replayIndexRef = useRef(replayIndex);
  replayIndexRef.current = replayIndex;

  useEffect(() => {
    if (!playing || count < 2) return;
    const step = Math.max(1, Math.round(count / (REPLAY_MS / 100)));
    const timer = window.setInterval(() => {
      onReplayIndex(Math.min(count - 1, replayIndexRef.current + step));
      if (replayIndexRef.current + step >= count - 1) setPlaying(false);
    }, 100);
    return () => window.clearInterval(timer);
  }, [playing, count, onReplayIndex]);

  async function show() {
    if (!chosen) return;
    setBusy(true);
    setError(null);
    setPlaying(false);
    try {
      const variables = { unitId: chosen, from: new Date(from).toISOString(), to: new Date(to).toISOString() };
      const { patrolTrace } = await client.fetchQuery({
        queryKey: queryKey(DashboardTraceDocument, variables),
        queryFn: ({ signal }) => run(DashboardTraceDocument, variables, signal),
      });
      onTrace(patrolTrace);
      onReplayIndex(Math.max(0, patrolTrace.points.length - 1));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  const at = trace?.points[Math.min(replayIndex, count - 1)];
  return (
    <Panel id="trace" title="Patrol trace">
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void show();
        }}
      >
        <label htmlFor={`${id}-unit`}>Unit</label>
        <select id={`${id}-unit`} value={chosen} onChange={(e) => setUnitId(e.target.value)} data-testid="trace-unit">
          {(units ?? []).map((u) => (
            <option key={u.id} value={u.id}>
              {u.callSign} ({u.team})
            </option>
          ))}
        </select>
        <DateTimeField label="From" value={from} onChange={setFrom} data-testid="trace-from" />
        <DateTimeField label="To" value={to} onChange={setTo} data-testid="trace-to" />
        <span />
        <div className="row">
          <button type="submit" className="button button-primary button-compact" disabled={busy || !chosen} data-testid="trace-show">
            {busy ? 'Loading…' : 'Show trace'}
          </button>
          {trace ? (
            <button type="button" className="button button-small" onClick={() => onTrace(null)}>
              Clear
            </button>
          ) : null}
        </div>
      </form>
      {error ? (
        <p className="error-inline" role="alert">
          {error}
        </p>
      ) : null}
      {trace ? (
        <div className="trace-replay" data-testid="trace-summary">
          <p>
            {formatCount(trace.fixCount)} fixes, {(trace.distanceMetres / 1000).toFixed(1)} km, {trace.visits.length} visit
            {trace.visits.length === 1 ? '' : 's'} ({trace.visits.filter((v) => v.koperCompliant).length} Koper-compliant).
          </p>
          {count > 1 ? (
            <>
              <label htmlFor={`${id}-slider`} className="slider-label">
                Replay: <strong data-testid="trace-time">{at ? formatDateTime(at.recordedAt) : ''}</strong>
              </label>
              <div className="row">
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => {
                    if (!playing && replayIndex >= count - 1) onReplayIndex(0);
                    setPlaying(!playing);
                  }}
                  aria-pressed={playing}
                  data-testid="trace-play"
                >
                  {playing ? 'Pause' : 'Play'}
                </button>
                <input
                  id={`${id}-slider`}
                  className="slider"
                  type="range"
                  min={0}
                  max={count - 1}
                  value={Math.min(replayIndex, count - 1)}
                  onChange={(e) => {
                    setPlaying(false);
                    onReplayIndex(Number(e.target.value));
                  }}
                  aria-valuetext={at ? formatTime(at.recordedAt) : undefined}
                  data-testid="trace-slider"
                />
              </div>
            </>
          ) : (
            <p className="muted">Fewer than two fixes in this window: nothing to replay.</p>
          )}
        </div>
      ) : null}
    </Panel>
  );
}
