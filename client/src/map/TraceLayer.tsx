import type { DashboardTraceQuery } from '@vigil/schema';
import { CircleMarker, Pane, Polyline, Tooltip } from 'react-leaflet';
import { formatDateTime, formatTime } from '../state/period';
import { COVERAGE_COLOURS, TRACE_COLOUR } from './layers';

export type Trace = DashboardTraceQuery['patrolTrace'];

/** A unit's path over the chosen window, its visits, and where it was at the replay time. */
export function TraceLayer({ trace, replayIndex }: { trace: Trace | null; replayIndex: number }) {
  if (!trace) return null;
  const path = trace.points.map((p) => [p.latitude, p.longitude] as [number, number]);
  const at = trace.points[Math.min(replayIndex, trace.points.length - 1)];
  const travelled = trace.points.slice(0, replayIndex + 1).map((p) => [p.latitude, p.longitude] as [number, number]);
  return (
    <Pane name="trace" style={{ zIndex: 440 }} ref={(element: HTMLElement | null) => element?.setAttribute('data-testid', 'layer-trace')}>
      <Polyline positions={path} pathOptions={{ pmIgnore: true, color: TRACE_COLOUR, weight: 3, opacity: 0.45 }} />
      <Polyline positions={travelled} pathOptions={{ pmIgnore: true, color: TRACE_COLOUR, weight: 4, opacity: 0.95 }} />
      {trace.visits.map((visit) => (
        <CircleMarker
          key={visit.id}
          center={[visit.site.latitude, visit.site.longitude]}
          radius={8}
          pathOptions={{
            color: '#ffffff',
            weight: 2,
            fillColor: visit.koperCompliant ? COVERAGE_COLOURS.VISITED : COVERAGE_COLOURS.DUE,
            fillOpacity: 1,
          }}
        >
          <Tooltip>
            {visit.site.name}: {formatDateTime(visit.enteredAt)}–{formatTime(visit.exitedAt)}, {Math.round(visit.dwellMinutes)} min
            {visit.koperCompliant ? ' (Koper-compliant)' : ''}
          </Tooltip>
        </CircleMarker>
      ))}
      {at ? (
        <CircleMarker
          center={[at.latitude, at.longitude]}
          radius={7}
          pathOptions={{
            pmIgnore: true,
            color: '#ffffff',
            weight: 3,
            fillColor: TRACE_COLOUR,
            fillOpacity: 1,
            className: 'trace-replay-marker',
          }}
        >
          <Tooltip permanent direction="top" offset={[0, -8]}>
            {formatTime(at.recordedAt)}
          </Tooltip>
        </CircleMarker>
      ) : null}
    </Pane>
  );
}
