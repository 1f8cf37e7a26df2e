import type { SiteKind } from '@vigil/schema';
import { useCallback, useEffect, useRef } from 'react';
import { useMap } from 'react-leaflet';
import { type LegendSymbol, type MapLayerInfo, SITE_KIND_LABELS } from './layers';
import { MapControl } from './MapControl';
import { siteIconSvg } from './siteIcons';

function svgUrl(svg: string): string {
  return `data:image/svg+xml;utf8,${encodeURIComponent(svg)}`;
}

function Swatch({ symbol }: { symbol: LegendSymbol }) {
  if (symbol.kind === 'site') {
    return (
      <img
        className="legend-swatch"
        src={svgUrl(siteIconSvg(symbol.siteKind ?? 'OTHER', symbol.stroke, 18))}
        width="28"
        height="18"
        alt=""
      />
    );
  }
  const dash = symbol.dashed ? '4 3' : undefined;
  return (
    <svg className="legend-swatch" width="28" height="16" viewBox="0 0 28 16" aria-hidden="true" focusable="false">
      {symbol.kind === 'line' ? (
        symbol.dashed ? (
          <line x1="2" y1="8" x2="26" y2="8" stroke={symbol.stroke} strokeWidth="3" strokeDasharray={dash} />
        ) : (
          <rect x="2" y="2" width="24" height="12" fill="none" stroke={symbol.stroke} strokeWidth="2" />
        )
      ) : symbol.kind === 'area' ? (
        <rect
          x="2"
          y="2"
          width="24"
          height="12"
          fill={symbol.fill ?? symbol.stroke}
          stroke={symbol.stroke}
          strokeWidth="1"
          strokeDasharray={dash}
        />
      ) : (
        <circle cx="14" cy="8" r="5" fill={symbol.fill ?? symbol.stroke} stroke={symbol.stroke} strokeWidth="2" />
      )}
    </svg>
  );
}

const KINDS = Object.keys(SITE_KIND_LABELS) as SiteKind[];

/** Explains the symbols of the overlays that are switched on, following the layer control. */
export function Legend({ layers }: { layers: readonly MapLayerInfo[] }) {
  const map = useMap();
  const box = useRef<HTMLDetailsElement | null>(null);
  // It ends above the map's bottom edge, whatever the window's height, and scrolls inside:
  // never cut off, and (narrow, in the right-hand corner) never over the map's centre.
  const fit = useCallback(() => {
    const legend = box.current;
    if (!legend) return;
    const top = legend.getBoundingClientRect().top - map.getContainer().getBoundingClientRect().top;
    legend.style.maxHeight = `${Math.max(80, map.getSize().y - top - 28)}px`;
  }, [map]);
  useEffect(() => {
    map.on('resize', fit);
    const observer = new ResizeObserver(fit);
    const control = map.getContainer().querySelector('.leaflet-control-layers');
    if (control) observer.observe(control);
    return () => {
      map.off('resize', fit);
      observer.disconnect();
    };
  }, [map, fit]);
  const attach = useCallback(
    (element: HTMLDetailsElement | null) => {
      box.current = element;
      if (element) requestAnimationFrame(fit);
    },
    [fit],
  );
  return (
    <MapControl position="topright" className="legend-control">
      {/* A disclosure, so the legend can be folded away when it covers the part of the map that matters. */}
      <details className="legend" data-testid="legend" open ref={attach}>
        <summary className="legend-summary">
          <h2 className="legend-title">Legend</h2>
        </summary>
        {layers.length === 0 ? (
          <p className="legend-empty">No layers are switched on. Use the layer list at the top right.</p>
        ) : (
          layers.map((layer) => (
            <div key={layer.id} className="legend-layer" data-testid={`legend-layer-${layer.id}`}>
              {layers.length > 1 ? <h3 className="legend-layer-name">{layer.name}</h3> : null}
              <ul className="legend-list">
                {layer.legend.map((entry) => (
                  <li key={`${layer.id}:${entry.label}`} className="legend-item" data-testid={`legend-${layer.id}`}>
                    <Swatch symbol={entry.symbol} />
                    <span>
                      {entry.label}
                      {entry.hint ? <span className="legend-hint">{entry.hint}</span> : null}
                    </span>
                  </li>
                ))}
              </ul>
              {layer.id === 'sites' ? (
                <details className="legend-kinds-box">
                  <summary>Kinds of site</summary>
                  <ul className="legend-kinds">
                    {KINDS.map((kind) => (
                      <li key={kind}>
                        <img src={svgUrl(siteIconSvg(kind, '#3a4652', 16))} width="16" height="16" alt="" />
                        {SITE_KIND_LABELS[kind]}
                      </li>
                    ))}
                  </ul>
                </details>
              ) : null}
              {layer.detail ? (
                <p className="legend-detail" data-testid={`legend-detail-${layer.id}`}>
                  {layer.detail}
                </p>
              ) : null}
            </div>
          ))
        )}
      </details>
    </MapControl>
  );
}
