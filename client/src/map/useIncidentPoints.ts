import { DashboardIncidentPointsDocument, type IncidentFilter } from '@vigil/schema';
import { useMemo } from 'react';
import { useGraphQL } from '../api/queries';
import { decodePoints } from './incidentPoints';

/**
 * Beyond this the map is a smear of dots and the hot-spot layer is the way to read it; the
 * panel says how many of how many are drawn.
 */
export const MAX_POINTS = 100_000;

/** The filter's incidents in the command area, in one request of packed columns (see incidentPoints.ts). */
export function useIncidentPoints(filter: IncidentFilter, enabled: boolean) {
  const query = useGraphQL(DashboardIncidentPointsDocument, { filter, limit: MAX_POINTS }, { enabled });
  const columns = query.data?.incidentPoints;
  const points = useMemo(() => (columns ? decodePoints(columns) : undefined), [columns]);
  return { points, loading: query.isFetching, error: query.error };
}
