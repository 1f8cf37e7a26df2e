import { DashboardAccuracyDocument } from '@vigil/schema';
import { useGraphQL } from '../api/queries';
import { incidentFilterOf } from '../state/incidentFilter';
import { useMapReady } from '../state/mapReady';
import type { Period } from '../state/period';
import type { MapState } from '../state/urlState';
import { formatCount, formatRatio, formatShare } from './format';
import { Figure } from './Panel';

/** Share of the area the "current hot spots" are: the top 5 % of cells, the usual PAI convention. */
const TOP_SHARE = 0.05;

export function accuracyInput(state: MapState, period: Period) {
  const from = Date.parse(period.from);
  const to = Date.parse(period.to);
  return {
    // The map's filter: its window is the period scored.
    filter: incidentFilterOf(state, period),
    trainFrom: new Date(from - (to - from)).toISOString(),
    trainTo: period.from,
    method: state.method,
    cellSize: state.cellSize,
    shape: state.shape,
    topShare: TOP_SHARE,
  };
}

/**
 * PAI of the current hot spots, from `hotspotAccuracy`: the map built on the equal period
 * just before the chosen one flags its top 5 % of cells, and is scored on the chosen
 * period's incidents, PAI = (n/N) ÷ (a/A).
 */
export function PaiFigure({ state, period }: { state: MapState; period: Period }) {
  const input = accuracyInput(state, period);
  // Two hot-spot maps to build: after the map's own layers.
  const accuracy = useGraphQL(DashboardAccuracyDocument, { input }, { enabled: useMapReady() });
  const a = accuracy.data?.hotspotAccuracy;
  // With no incidents to build the map from, its "hottest" cells are arbitrary and a PAI of 0 would mislead.
  const trainCount = a?.trainingIncidents;
  return (
    <Figure
      testId="kpi-pai"
      label="PAI of current hot spots"
      value={accuracy.error ? '–' : a && trainCount !== undefined ? (trainCount === 0 ? '–' : formatRatio(a.pai, 1)) : '…'}
      note={
        accuracy.error ? (
          <span className="error-inline">{accuracy.error.message}</span>
        ) : trainCount === 0 ? (
          `No incidents in the previous ${period.days} days to build hot spots from, so there is nothing to score.`
        ) : a ? (
          <>
            The {formatCount(a.cellsFlagged)} hottest cells ({formatShare(a.areaShare)} of the area) of the previous {period.days} days
            caught {formatCount(a.testIncidentsCaptured)} of {formatCount(a.testIncidents)} incidents ({formatShare(a.hitRate)}) in this
            period.
          </>
        ) : (
          'Scoring last period’s hot spots on this period…'
        )
      }
    />
  );
}
