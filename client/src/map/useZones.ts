import { ZonesDocument } from '@vigil/schema';
import { useGraphQL } from '../api/queries';

/** The patrol zones (at start, one per ward) with their GeoJSON outlines. */
export function useZones() {
  return useGraphQL(ZonesDocument, undefined);
}

export type Zone = NonNullable<ReturnType<typeof useZones>['data']>['zones'][number];
