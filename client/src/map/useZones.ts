import { ZonesDocument } from '@vigil/schema';
import { useQueryWith } from '../api/useQuery';

/** The patrol zones (at start, the ward boundaries) with their GeoJSON outlines. */
export function useZones() {
  // First in line: the outlines are what makes the map readable, with or without tiles.
  return useQueryWith(ZonesDocument, undefined, { priority: 'high' });
}

export type Zone = NonNullable<ReturnType<typeof useZones>['data']>['zones'][number];
