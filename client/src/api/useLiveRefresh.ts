import { DashboardSiteOverdueDocument, DashboardVisitRecordedDocument } from '@vigil/schema';
import { createContext, createElement, type ReactNode, useContext, useEffect, useMemo, useRef, useState } from 'react';
import { useApi } from './ApiProvider';

/** Without live events (socket down or refused), data that changes with visits is polled this often. */
const POLL_MS = 60_000;

interface VisitEventsHub {
  /** Registers a listener; the two subscriptions run while at least one is registered. */
  listen: (listener: () => void) => () => void;
  failed: boolean;
}

const VisitEventsContext = createContext<VisitEventsHub | null>(null);

/**
 * One `visitRecorded` and one `siteOverdue` subscription for the whole dashboard, shared by
 * every panel and layer that shows visits (each subscription is audited on the server, and
 * one feed is enough).
 */
export function VisitEventsProvider({ children }: { children: ReactNode }) {
  const { subscribe } = useApi();
  const listeners = useRef(new Set<() => void>());
  const [count, setCount] = useState(0);
  const [failed, setFailed] = useState(false);

  // Subscribed while anyone listens: `active` flips only at the first and last listener.
  const active = count > 0;
  useEffect(() => {
    if (!active) return;
    const notify = () => {
      for (const listener of listeners.current) listener();
    };
    const onError = () => setFailed(true);
    const stops = [
      subscribe(DashboardVisitRecordedDocument, undefined, { next: notify, error: onError }),
      subscribe(DashboardSiteOverdueDocument, undefined, { next: notify, error: onError }),
    ];
    return () => {
      for (const stop of stops) stop();
    };
  }, [subscribe, active]);

  const [hub] = useState<Omit<VisitEventsHub, 'failed'>>(() => ({
    listen: (listener) => {
      listeners.current.add(listener);
      setCount(listeners.current.size);
      return () => {
        listeners.current.delete(listener);
        setCount(listeners.current.size);
      };
    },
  }));
  const value = useMemo(() => ({ ...hub, failed }), [hub, failed]);
  return createElement(VisitEventsContext, { value }, children);
}

/**
 * Calls `refresh` when a visit is recorded or a site goes overdue, at most once a second,
 * and polls every minute while the live feed is down. Returns whether the feed is live.
 */
export function useVisitEvents(refresh: () => void, enabled = true): boolean {
  const hub = useContext(VisitEventsContext);
  const { liveStatus } = useApi();
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;

  const listen = hub?.listen;
  useEffect(() => {
    if (!enabled || !listen) return;
    let timer: number | undefined;
    const off = listen(() => {
      if (timer !== undefined) return;
      timer = window.setTimeout(() => {
        timer = undefined;
        refreshRef.current();
      }, 1000);
    });
    return () => {
      off();
      window.clearTimeout(timer);
    };
  }, [listen, enabled]);

  const live = Boolean(hub) && liveStatus === 'connected' && !hub?.failed;
  useEffect(() => {
    if (!enabled || live) return;
    const timer = window.setInterval(() => refreshRef.current(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [enabled, live]);

  return live;
}
