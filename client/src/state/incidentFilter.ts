import type { IncidentFilter } from '@vigil/schema';
import type { Period } from './period';
import type { MapState } from './urlState';

/**
 * The dashboard's one incident filter, from the filter bar: every layer and panel that
 * counts incidents sends it (the server's IncidentFilter), so their figures agree. Without
 * a period it has no window, for operations that set their own (the trend's two windows).
 */
export function incidentFilterOf(
  state: Pick<MapState, 'categories' | 'darkness' | 'hateOnly'>,
  period?: Pick<Period, 'from' | 'to'>,
): IncidentFilter {
  return {
    ...(period ? { from: period.from, to: period.to } : {}),
    categories: state.categories.length ? [...state.categories] : undefined,
    darkness: state.darkness,
    hateCrime: state.hateOnly ? true : undefined,
  };
}
