/**
 * The map's layers as the layer control and the legend know them. A new layer (sites,
 * incidents, hot spots, live units) adds an entry here and a component beside WardsLayer.
 */

export interface LegendSymbol {
  /** line: an outline; area: a filled shape; point: a circle marker. */
  kind: 'line' | 'area' | 'point';
  stroke: string;
  fill?: string;
  dashed?: boolean;
}

export interface LegendEntry {
  label: string;
  /** A short second line, e.g. how to interact with the symbol. */
  hint?: string;
  symbol: LegendSymbol;
}

export interface MapLayerInfo {
  /** Stable id, used in data-testids (`layer-<id>`, `legend-<id>`). */
  id: string;
  /** Name in the layer control; Leaflet reports overlays by this name. */
  name: string;
  /** Whether the layer is on when the map opens. */
  visibleAtStart: boolean;
  legend: LegendEntry[];
}

/** Ward outlines: dark enough to read on a blank background and on street tiles (contrast > 7:1 on white). */
export const WARD_STYLE = {
  color: '#1d3b5c',
  weight: 2,
  opacity: 0.9,
  // A fill makes the whole ward hoverable for its name. Over street tiles it is faint so
  // the streets show through; with no tiles it is paper-white so the boroughs stand out.
  fillColor: '#1d3b5c',
  fillOpacity: 0.04,
} as const;

export const WARD_STYLE_NO_TILES = { ...WARD_STYLE, fillColor: '#ffffff', fillOpacity: 0.85 } as const;

export const WARDS_LAYER: MapLayerInfo = {
  id: 'wards',
  name: 'Ward outlines',
  visibleAtStart: true,
  legend: [{ label: 'Ward boundary', hint: 'Point at a ward for its name', symbol: { kind: 'line', stroke: WARD_STYLE.color } }],
};

/** Overlays in the order the layer control lists them. */
export const MAP_LAYERS: readonly MapLayerInfo[] = [WARDS_LAYER];
