import { useEffect, useMemo, useState } from 'react';
import type { MapState } from './urlState';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Quick picks end "now", rounded up to the next 5 minutes so queries stay the same between ticks (and cached results stay valid). */
const STEP = 5 * MINUTE;

/** A timestamp that moves on every `stepMs`, rounded up, so components re-query on a steady beat. */
export function useClock(stepMs = STEP): number {
  const [now, setNow] = useState(() => Math.ceil(Date.now() / stepMs) * stepMs);
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Math.ceil(Date.now() / stepMs) * stepMs), Math.min(stepMs, 60_000));
    return () => window.clearInterval(timer);
  }, [stepMs]);
  return now;
}

export interface Period {
  from: string;
  to: string;
  /** In words, for legends and panels: "last 7 days", "3 Oct – 9 Oct 2026". */
  label: string;
  days: number;
}

export const PERIOD_LABELS = { '24h': 'Last 24 h', '7d': '7 days', '28d': '28 days', custom: 'Custom' } as const;

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric' });

function localMidnight(date: string): Date {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(y!, m! - 1, d!);
}

export function periodOf(state: Pick<MapState, 'period' | 'from' | 'to'>, now: number): Period {
  if (state.period === 'custom') {
    const from = localMidnight(state.from);
    const to = new Date(localMidnight(state.to).getTime() + DAY);
    const days = Math.max(1, Math.round((to.getTime() - from.getTime()) / DAY));
    return {
      from: from.toISOString(),
      to: to.toISOString(),
      label: `${dateFormat.format(from)} – ${dateFormat.format(new Date(to.getTime() - 1))}`,
      days,
    };
  }
  const span = state.period === '24h' ? DAY : state.period === '7d' ? 7 * DAY : 28 * DAY;
  return {
    from: new Date(now - span).toISOString(),
    to: new Date(now).toISOString(),
    label: state.period === '24h' ? 'last 24 hours' : state.period === '7d' ? 'last 7 days' : 'last 28 days',
    days: span / DAY,
  };
}

export function usePeriod(state: Pick<MapState, 'period' | 'from' | 'to'>): Period {
  const now = useClock();
  const { period, from, to } = state;
  return useMemo(() => periodOf({ period, from, to }, now), [period, from, to, now]);
}

/** Coverage and zone previews span at most 31 days (server limit): longer periods keep their last 31 days. */
export function clampTo31Days(period: Period): { from: string; to: string; clamped: boolean } {
  const to = new Date(period.to).getTime();
  const from = new Date(period.from).getTime();
  if (to - from <= 31 * DAY) return { from: period.from, to: period.to, clamped: false };
  return { from: new Date(to - 31 * DAY).toISOString(), to: period.to, clamped: true };
}

const timeFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });

export function formatTime(iso: string): string {
  return timeFormat.format(new Date(iso));
}

export function formatDateTime(iso: string): string {
  return dateTimeFormat.format(new Date(iso));
}

export function formatDate(iso: string | Date): string {
  return dateFormat.format(typeof iso === 'string' ? new Date(iso) : iso);
}

/** "40 s", "12 min", "3 h 05 min", "2 days": how long ago, or how long overdue. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} days`;
}
