import { createContext, useContext } from 'react';

/**
 * Whether ordinary queries may start. The dashboard closes the gate until the zone outlines
 * (the base map) have arrived: on a busy server, and above all on the embedded database,
 * which runs one statement at a time, the outlines would otherwise queue behind hot-spot
 * and coverage analytics, and the map would stay blank for seconds. Queries asked for with
 * `priority: 'high'` pass a closed gate.
 */
export const QueryGateContext = createContext(true);

export function useQueryGate(): boolean {
  return useContext(QueryGateContext);
}
