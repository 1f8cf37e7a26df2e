import type { LayersControlEvent } from 'leaflet';
import { useState } from 'react';
import { useMapEvents } from 'react-leaflet';
import type { LegendSymbol, MapLayerInfo } from './layers';
import { MapControl } from './MapControl';

function Swatch({ symbol }: { symbol: LegendSymbol }) {
  const dash = symbol.dashed ? '4 3' : undefined;
  return (
    <svg className="legend-swatch" width="28" height="16" viewBox="0 0 28 16" aria-hidden="true" focusable="false">
      {symbol.kind === 'line' ? (
        <rect x="2" y="2" width="24" height="12" fill="none" stroke={symbol.stroke} strokeWidth="2" strokeDasharray={dash} />
      ) : symbol.kind === 'area' ? (
        <rect
          x="2"
          y="2"
          width="24"
          height="12"
          fill={symbol.fill ?? symbol.stroke}
          stroke={symbol.stroke}
          strokeWidth="1.5"
          strokeDasharray={dash}
        />
      ) : (
        <circle cx="14" cy="8" r="5" fill={symbol.fill ?? symbol.stroke} stroke={symbol.stroke} strokeWidth="1.5" />
      )}
    </svg>
  );
}

/** Explains the symbols of the overlays that are switched on, following the layer control. */
export function Legend({ layers }: { layers: readonly MapLayerInfo[] }) {
  const [visible, setVisible] = useState<ReadonlySet<string>>(() => new Set(layers.filter((l) => l.visibleAtStart).map((l) => l.name)));

  useMapEvents({
    overlayadd: (event: LayersControlEvent) => setVisible((names) => new Set(names).add(event.name)),
    overlayremove: (event: LayersControlEvent) =>
      setVisible((names) => {
        const next = new Set(names);
        next.delete(event.name);
        return next;
      }),
  });

  const shown = layers.filter((layer) => visible.has(layer.name));
  return (
    <MapControl position="bottomright" className="legend-control">
      <section className="legend" data-testid="legend" aria-labelledby="legend-title">
        <h2 id="legend-title" className="legend-title">
          Legend
        </h2>
        {shown.length === 0 ? (
          <p className="legend-empty">No layers are switched on. Use the layer list at the top right.</p>
        ) : (
          <ul className="legend-list">
            {shown.flatMap((layer) =>
              layer.legend.map((entry) => (
                <li key={`${layer.id}:${entry.label}`} className="legend-item" data-testid={`legend-${layer.id}`}>
                  <Swatch symbol={entry.symbol} />
                  <span>
                    {entry.label}
                    {entry.hint ? <span className="legend-hint">{entry.hint}</span> : null}
                  </span>
                </li>
              )),
            )}
          </ul>
        )}
      </section>
    </MapControl>
  );
}
