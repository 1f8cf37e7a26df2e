import { createContext, useContext } from 'react';

/**
 * Whether the map's layers have their data. Panel figures that cost the database most
 * (PAI scoring builds two hot-spot maps; the before/after trend) wait for it: on the
 * embedded database, which runs one statement at a time, they would otherwise hold up the
 * layers the user opened the dashboard to see.
 */
export const MapReadyContext = createContext(true);

export function useMapReady(): boolean {
  return useContext(MapReadyContext);
}
