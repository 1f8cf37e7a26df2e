import type { CellShape, HotspotMethod } from '@vigil/schema';
import { useId } from 'react';
import { downloadCellsCsv, downloadCellsGeoJson } from '../export/cells';
import { type HotspotResult, hotspotDescription } from '../map/hotspotStyle';
import { METHOD_LABELS } from '../map/layers';
import type { Period } from '../state/period';
import { CELL_SIZES, type MapState } from '../state/urlState';
import { formatCount } from './format';
import { PaiFigure } from './PaiFigure';
import { ErrorLine, Figure, Panel } from './Panel';

interface HotSpotsPanelProps {
  state: MapState;
  onState: (change: Partial<MapState>) => void;
  period: Period;
  result: HotspotResult | undefined;
  loading: boolean;
  error: Error | null;
  onRetry: () => void;
  incidents: { shown: number | undefined; total: number | undefined; loading: boolean; on: boolean };
}

/** Analyst: where and when crime concentrates, on a metric grid, with the settings that made the map. */
export function HotSpotsPanel({ state, onState, period, result, loading, error, onRetry, incidents }: HotSpotsPanelProps) {
  const id = useId();
  const s = result?.summary;
  return (
    <Panel
      id="analyst"
      title="Hot spots"
      aside={
        loading ? (
          <span className="muted" data-testid="hotspots-loading">
            Computing…
          </span>
        ) : null
      }
    >
      <div className="form-grid">
        <label htmlFor={`${id}-method`}>Method</label>
        <select
          id={`${id}-method`}
          value={state.method}
          onChange={(e) => onState({ method: e.target.value as HotspotMethod })}
          data-testid="hotspot-method"
        >
          {(Object.keys(METHOD_LABELS) as HotspotMethod[]).map((m) => (
            <option key={m} value={m}>
              {METHOD_LABELS[m]}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-cell`}>Cell size</label>
        <select
          id={`${id}-cell`}
          value={state.cellSize}
          onChange={(e) => onState({ cellSize: Number(e.target.value) })}
          data-testid="hotspot-cell"
        >
          {CELL_SIZES.map((size) => (
            <option key={size} value={size}>
              {size} m
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-shape`}>Cells</label>
        <select
          id={`${id}-shape`}
          value={state.shape}
          onChange={(e) => onState({ shape: e.target.value as CellShape })}
          data-testid="hotspot-shape"
        >
          <option value="SQUARE">Squares</option>
          <option value="HEXAGON">Hexagons</option>
        </select>
        {state.method === 'GI_STAR' ? (
          <>
            <span />
            <label className="check">
              <input type="checkbox" checked={state.fdr} onChange={(e) => onState({ fdr: e.target.checked })} data-testid="hotspot-fdr" />
              False discovery rate correction
            </label>
          </>
        ) : null}
      </div>
      {error ? <ErrorLine what="the hot spots" error={error} onRetry={onRetry} /> : null}
      {result && s ? (
        <>
          <p className="panel-note" data-testid="hotspot-description">
            {hotspotDescription(result)}.
          </p>
          <p className="panel-note" data-testid="hotspot-filter">
            Incidents: {result.filter.description}.
          </p>
          <dl className="kpis" data-testid="hotspot-summary">
            <Figure
              testId="hotspot-incidents"
              label="Incidents mapped"
              value={formatCount(s.incidentCount)}
              note={`in ${formatCount(s.cellCount)} cells, ${period.label}`}
            />
            {result.parameters.method === 'GI_STAR' ? (
              <Figure
                testId="hotspot-hot-cells"
                label="Hot spots (99 / 95 / 90 %)"
                value={`${s.hot99} / ${s.hot95} / ${s.hot90}`}
                note={`${s.cold} cold-spot cells`}
              />
            ) : (
              <Figure label="Most in one cell" value={formatCount(s.maxCount)} />
            )}
            <PaiFigure state={state} period={period} />
          </dl>
          <div className="row">
            <button
              type="button"
              className="button button-small"
              onClick={() => downloadCellsGeoJson(result)}
              data-testid="export-cells-geojson"
            >
              Cells (GeoJSON)
            </button>
            <button type="button" className="button button-small" onClick={() => downloadCellsCsv(result)} data-testid="export-cells-csv">
              Cells (CSV)
            </button>
          </div>
        </>
      ) : !error ? (
        <p className="muted">Computing the hot spots…</p>
      ) : null}
      <p className="panel-note" data-testid="incidents-status">
        {incidents.on
          ? incidents.loading
            ? 'Loading incidents for the map…'
            : incidents.total !== undefined
              ? `Incidents layer: ${formatCount(incidents.shown ?? 0)}${incidents.total > (incidents.shown ?? 0) ? ` of ${formatCount(incidents.total)}` : ''} shown.`
              : ''
          : 'Switch on “Incidents” in the layer list to see each incident.'}
      </p>
    </Panel>
  );
}
