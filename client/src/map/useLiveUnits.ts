import { DashboardUnitPositionsDocument, DashboardUnitsDocument, type DashboardUnitsQuery } from '@vigil/schema';
import { useEffect, useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { useGraphQL } from '../api/queries';

export type UnitInfo = DashboardUnitsQuery['patrolUnits'][number];

export interface Fix {
  time: number;
  lat: number;
  lng: number;
}

export interface UnitTrack {
  id: string;
  callSign: string;
  kind: string;
  team: string;
  /** The latest fixes, oldest first: the last one is where the unit is; the rest draw its trail. */
  fixes: Fix[];
}

/** The trail shows this much of the recent path. */
export const TRAIL_MS = 5 * 60_000;
const TRAIL_MAX_FIXES = 40;
/** The server replays at most 60 minutes back; ask for a little less, so clock skew does not push us past it. */
const MAX_SINCE_MS = 55 * 60_000;

/**
 * Where every unit is, kept outside React state: a position event moves one marker, and
 * re-rendering the whole map for it would be wasteful with hundreds of units.
 */
export class UnitStore {
  readonly units = new Map<string, UnitTrack>();
  private listeners = new Set<(changed: readonly UnitTrack[]) => void>();

  listen(listener: (changed: readonly UnitTrack[]) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  reset(units: readonly UnitInfo[]): void {
    this.units.clear();
    for (const u of units) {
      const p = u.lastPosition;
      this.units.set(u.id, {
        id: u.id,
        callSign: u.callSign,
        kind: u.kind,
        team: u.team,
        fixes: p ? [{ time: Date.parse(p.recordedAt), lat: p.latitude, lng: p.longitude }] : [],
      });
    }
    this.emit([...this.units.values()]);
  }

  add(unit: { id: string; callSign: string }, fixes: readonly Fix[]): void {
    let track = this.units.get(unit.id);
    if (!track) {
      track = { id: unit.id, callSign: unit.callSign, kind: 'CAR', team: '', fixes: [] };
      this.units.set(unit.id, track);
    }
    const last = track.fixes[track.fixes.length - 1]?.time ?? Number.NEGATIVE_INFINITY;
    // Replayed events may repeat fixes we have, and late batches may be older: only newer fixes move the marker.
    const newer = fixes.filter((f) => f.time > last);
    if (newer.length === 0) return;
    track.fixes.push(...newer);
    const latest = track.fixes[track.fixes.length - 1]!.time;
    track.fixes = track.fixes.filter((f) => f.time >= latest - TRAIL_MS).slice(-TRAIL_MAX_FIXES);
    this.emit([track]);
  }

  private emit(changed: readonly UnitTrack[]): void {
    for (const listener of this.listeners) listener(changed);
  }
}

export interface LiveUnits {
  store: UnitStore;
  units: readonly UnitInfo[] | undefined;
  error: Error | null;
  /** The live feed's own error, e.g. a refused subscription; the markers then stay where the query put them. */
  feedError: string | null;
}

/**
 * Units and their last position from `patrolUnits`, then moved by the `unitPositions`
 * subscription. It asks for a replay from a minute before the query, so fixes stored in
 * between are not lost, and again from the last event after the socket reconnects.
 */
export function useLiveUnits({ skipQuery, skipLive }: { skipQuery: boolean; skipLive: boolean }): LiveUnits {
  const skip = skipQuery || skipLive;
  const { subscribe, onReconnect } = useApi();
  const [store] = useState(() => new UnitStore());
  const query = useGraphQL(DashboardUnitsDocument, undefined, { enabled: !skipQuery });
  const [feedError, setFeedError] = useState<string | null>(null);

  useEffect(() => {
    if (query.data) store.reset(query.data.patrolUnits);
  }, [query.data, store]);

  useEffect(() => {
    if (skip || !query.data) return;
    let lastStoredAt = Date.now() - 60_000;
    let stop = () => {};
    const start = (since: number | null) => {
      stop();
      const sinceIso = since === null ? undefined : new Date(Math.max(since, Date.now() - MAX_SINCE_MS)).toISOString();
      stop = subscribe(
        DashboardUnitPositionsDocument,
        { since: sinceIso },
        {
          next: ({ unitPositions: event }) => {
            setFeedError(null);
            lastStoredAt = Math.max(lastStoredAt, Date.parse(event.storedAt));
            store.add(
              event.unit,
              event.positions.map((p) => ({ time: Date.parse(p.recordedAt), lat: p.latitude, lng: p.longitude })),
            );
          },
          error: (message) => {
            setFeedError(message);
            // A refused `since` (clock skew): listen without the replay rather than not at all.
            if (since !== null) start(null);
          },
        },
      );
    };
    start(lastStoredAt);
    const offReconnect = onReconnect(() => start(lastStoredAt - 60_000));
    return () => {
      offReconnect();
      stop();
    };
  }, [skip, query.data, subscribe, onReconnect, store]);

  return { store, units: query.data?.patrolUnits, error: query.error, feedError };
}
