import type { CellShape, HotspotMethod, Role } from '@vigil/schema';
import { useCallback, useEffect, useState } from 'react';
import { isCategory } from './categories';

/**
 * Everything a shared link should reproduce: where the map looks, which layers are on,
 * the filters and the hot-spot settings. It lives in the query string, e.g.
 * `?at=51.5563,-0.1658,15&layers=wards,hotspots&period=7d&cat=vehicle-crime&dark=DARK`.
 */

export type PeriodPick = '24h' | '7d' | '28d' | 'custom';
export type DarknessPick = 'ANY' | 'DARK' | 'LIGHT';

export const LAYER_IDS = ['wards', 'zones', 'hotspots', 'patrolzones', 'incidents', 'sites', 'units', 'trace'] as const;
export type LayerId = (typeof LAYER_IDS)[number];

export const CELL_SIZES = [100, 125, 150, 200, 250, 500] as const;

export interface MapState {
  view: { lat: number; lng: number; zoom: number };
  layers: ReadonlySet<LayerId>;
  period: PeriodPick;
  /** Custom period, as local dates YYYY-MM-DD (inclusive). */
  from: string;
  to: string;
  categories: readonly string[];
  darkness: DarknessPick;
  hateOnly: boolean;
  method: HotspotMethod;
  cellSize: number;
  shape: CellShape;
  fdr: boolean;
}

/**
 * Between Camden Town and Highbury: both boroughs fit a laptop screen at zoom 13. A little
 * east of their middle, so they sit left of the layer list and legend on the right.
 */
export const HOME_VIEW = { lat: 51.545, lng: -0.128, zoom: 13 } as const;

/** Each role's question decides what is on at first (see the brief's table of users). */
export const ROLE_LAYERS: Record<Role, readonly LayerId[]> = {
  SUPERINTENDENT: ['wards', 'patrolzones', 'sites', 'units'],
  ANALYST: ['wards', 'hotspots'],
  PLANNER: ['wards', 'hotspots', 'patrolzones', 'sites'],
  DEVICE: ['wards'],
};

function isoDate(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function defaultState(role: Role): MapState {
  const today = new Date();
  const weekAgo = new Date(today.getTime() - 6 * 86_400_000);
  return {
    view: { ...HOME_VIEW },
    layers: new Set(ROLE_LAYERS[role]),
    period: '28d',
    from: isoDate(weekAgo),
    to: isoDate(today),
    categories: [],
    darkness: 'ANY',
    hateOnly: false,
    method: 'GI_STAR',
    cellSize: 250,
    shape: 'SQUARE',
    fdr: false,
  };
}

export function parseState(search: string, role: Role): MapState {
  const q = new URLSearchParams(search);
  const state = defaultState(role);
  const at = q.get('at')?.split(',').map(Number);
  if (at && at.length === 3 && at.every(Number.isFinite) && Math.abs(at[0]!) <= 90 && Math.abs(at[1]!) <= 180) {
    state.view = { lat: at[0]!, lng: at[1]!, zoom: Math.min(19, Math.max(10, Math.round(at[2]!))) };
  }
  const layers = q.get('layers');
  if (layers !== null) state.layers = new Set(layers.split(',').filter((l): l is LayerId => (LAYER_IDS as readonly string[]).includes(l)));
  const period = q.get('period');
  if (period === '24h' || period === '7d' || period === '28d' || period === 'custom') state.period = period;
  const from = q.get('from');
  const to = q.get('to');
  if (from && DATE.test(from)) state.from = from;
  if (to && DATE.test(to)) state.to = to;
  if (state.from > state.to) [state.from, state.to] = [state.to, state.from];
  const cat = q.get('cat');
  if (cat) state.categories = cat.split(',').filter(isCategory);
  const dark = q.get('dark');
  if (dark === 'DARK' || dark === 'LIGHT' || dark === 'ANY') state.darkness = dark;
  state.hateOnly = q.get('hate') === '1';
  const method = q.get('method');
  if (method === 'GI_STAR' || method === 'KDE' || method === 'COUNT') state.method = method;
  const cell = Number(q.get('cell'));
  if ((CELL_SIZES as readonly number[]).includes(cell)) state.cellSize = cell;
  const shape = q.get('shape');
  if (shape === 'SQUARE' || shape === 'HEXAGON') state.shape = shape;
  state.fdr = q.get('fdr') === '1';
  return state;
}

export function serializeState(state: MapState): string {
  const q = new URLSearchParams();
  const { lat, lng, zoom } = state.view;
  q.set('at', `${lat.toFixed(5)},${lng.toFixed(5)},${zoom}`);
  q.set('layers', LAYER_IDS.filter((l) => state.layers.has(l)).join(','));
  q.set('period', state.period);
  if (state.period === 'custom') {
    q.set('from', state.from);
    q.set('to', state.to);
  }
  if (state.categories.length) q.set('cat', state.categories.join(','));
  if (state.darkness !== 'ANY') q.set('dark', state.darkness);
  if (state.hateOnly) q.set('hate', '1');
  if (state.method !== 'GI_STAR') q.set('method', state.method);
  if (state.cellSize !== 250) q.set('cell', String(state.cellSize));
  if (state.shape !== 'SQUARE') q.set('shape', state.shape);
  if (state.fdr) q.set('fdr', '1');
  // Commas read better than %2C in a shared link, and are safe in a query string.
  return `?${q.toString().replaceAll('%2C', ',')}`;
}

/**
 * The map state, read from the address at start and written back with replaceState on
 * every change (no history entry per pan), so reloading or sharing the link shows the same map.
 */
export function useMapState(role: Role): [MapState, (change: Partial<MapState> | ((s: MapState) => Partial<MapState>)) => void] {
  const [state, setState] = useState<MapState>(() => parseState(window.location.search, role));

  useEffect(() => {
    const search = serializeState(state);
    if (search !== window.location.search) window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}`);
  }, [state]);

  useEffect(() => {
    const onPop = () => setState(parseState(window.location.search, role));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, [role]);

  const update = useCallback((change: Partial<MapState> | ((s: MapState) => Partial<MapState>)) => {
    setState((s) => ({ ...s, ...(typeof change === 'function' ? change(s) : change) }));
  }, []);
  return [state, update];
}
