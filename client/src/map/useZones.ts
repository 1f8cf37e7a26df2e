import { ZonesDocument } from '@vigil/schema';
import { useQuery } from '../api/useQuery';

/** The patrol zones (at start, the ward boundaries) with their GeoJSON outlines. */
export function useZones() {
  return useQuery(ZonesDocument);
}

export type Zone = NonNullable<ReturnType<typeof useZones>['data']>['zones'][number];
