import type { AppConfigQuery } from '@vigil/schema';
import type { Zone } from '../map/useZones';
import { Panel } from './Panel';

interface MapInfoPanelProps {
  zones: readonly Zone[] | undefined;
  zonesError: Error | null;
  onRetryZones: () => void;
  config: AppConfigQuery['appConfig'] | undefined;
  configError: Error | null;
}

function countByBorough(zones: readonly Zone[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const zone of zones) {
    const borough = zone.borough ?? 'outside both boroughs';
    counts.set(borough, (counts.get(borough) ?? 0) + 1);
  }
  return [...counts].sort(([a], [b]) => a.localeCompare(b));
}

/** What the map is showing and where it came from, for every role. */
export function MapInfoPanel({ zones, zonesError, onRetryZones, config, configError }: MapInfoPanelProps) {
  return (
    <Panel id="map-info" title="On the map">
      <dl className="facts">
        <dt>Patrol zones</dt>
        <dd data-testid="zones-status">
          {zonesError ? (
            <span className="error-inline" role="alert">
              Could not load the zones: {zonesError.message}{' '}
              <button type="button" className="button button-small" onClick={onRetryZones}>
                Try again
              </button>
            </span>
          ) : zones === undefined ? (
            'Loading…'
          ) : zones.length === 0 ? (
            <>
              None yet: run <code>pnpm vigil seed</code> to load the ward boundaries.
            </>
          ) : (
            <>
              {zones.length} zones
              {countByBorough(zones).length > 1
                ? ` (${countByBorough(zones)
                    .map(([borough, n]) => `${borough} ${n}`)
                    .join(', ')})`
                : null}
            </>
          )}
        </dd>
        <dt>Background</dt>
        <dd data-testid="tiles-status">
          {configError
            ? `Map settings unavailable: ${configError.message}`
            : config === undefined
              ? 'Loading…'
              : config.tileUrl?.trim()
                ? 'Street map from the configured tile server'
                : 'No street map (no tile server is configured): wards and their names, and the place search, show where you are.'}
        </dd>
      </dl>
    </Panel>
  );
}
