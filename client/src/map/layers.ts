import type { Confidence, CoverageState, HotspotMethod, SiteKind } from '@vigil/schema';
import type { LayerId } from '../state/urlState';

/**
 * The map's layers as the layer control and the legend know them, with their colours.
 * Each layer has a component beside this file that draws it; the legend reads its
 * entries from here (some are worked out from the data, e.g. the hot-spot classes).
 */

export interface LegendSymbol {
  /** line: an outline; area: a filled shape; point: a circle marker; site: a site icon. */
  kind: 'line' | 'area' | 'point' | 'site';
  stroke: string;
  fill?: string;
  dashed?: boolean;
  siteKind?: SiteKind;
}

export interface LegendEntry {
  label: string;
  /** A short second line, e.g. how to interact with the symbol. */
  hint?: string;
  symbol: LegendSymbol;
}

export interface MapLayerInfo {
  /** Stable id, used in data-testids (`layer-<id>`, `legend-<id>`) and in the address (`layers=`). */
  id: LayerId;
  /** Name in the layer control; Leaflet reports overlays by this name. */
  name: string;
  /** A line under the layer's entries: what was computed and how (method, cell size, period…). */
  detail?: string;
  legend: LegendEntry[];
}

/** Panes: their z-order decides what draws over what (Leaflet's overlay pane is 400, markers 600). */
export const PANES = {
  wards: 350,
  zones: 360,
  zoneOutlines: 375,
  hotspots: 370,
  incidents: 420,
  trails: 430,
  trace: 440,
  labels: 445,
  draft: 450,
  focus: 630,
  units: 640,
} as const;

/** Ward outlines: dark enough to read on a blank background and on street tiles (contrast > 7:1 on white). */
export const WARD_STYLE = {
  color: '#2f4a66',
  weight: 1.5,
  opacity: 0.9,
  // A fill makes the whole ward hoverable for its name. Over street tiles it is faint so
  // the streets show through; with no tiles it is paper-white so the boroughs stand out.
  fillColor: '#1d3b5c',
  fillOpacity: 0.04,
} as const;

export const WARD_STYLE_NO_TILES = { ...WARD_STYLE, fillColor: '#ffffff', fillOpacity: 0.85 } as const;

export const WARDS_LAYER: MapLayerInfo = {
  id: 'wards',
  name: 'Wards',
  legend: [{ label: 'Ward boundary and name', hint: 'Names show where there is room', symbol: { kind: 'line', stroke: WARD_STYLE.color } }],
};

/** Planned patrol zones: a colour and dash no ward line has, drawn over the cells. */
export const ZONE_OUTLINE_COLOUR = '#00796b';
export const ZONE_OUTLINE_STYLE = { color: ZONE_OUTLINE_COLOUR, weight: 3, opacity: 1, dashArray: '8 5', fill: false } as const;

export const PATROL_ZONES_LAYER: MapLayerInfo = {
  id: 'patrolzones',
  name: 'Patrol zones',
  legend: [
    {
      label: 'Patrol zone drawn by a planner',
      hint: 'Zones still the shape of their ward are the ward lines',
      symbol: { kind: 'line', stroke: ZONE_OUTLINE_COLOUR, dashed: true },
    },
  ],
};

/** ArcGIS's Gi* palette (red hot, blue cold), which analysts already read. */
export const CONFIDENCE_COLOURS: Record<Confidence, string | null> = {
  HOT_99: '#b2182b',
  HOT_95: '#ef8a62',
  HOT_90: '#fddbc7',
  NOT_SIGNIFICANT: null,
  COLD_90: '#d1e5f0',
  COLD_95: '#67a9cf',
  COLD_99: '#2166ac',
};

export const CONFIDENCE_LABELS: Record<Confidence, string> = {
  HOT_99: 'Hot spot, 99 % confidence',
  HOT_95: 'Hot spot, 95 % confidence',
  HOT_90: 'Hot spot, 90 % confidence',
  NOT_SIGNIFICANT: 'Not significant',
  COLD_90: 'Cold spot, 90 % confidence',
  COLD_95: 'Cold spot, 95 % confidence',
  COLD_99: 'Cold spot, 99 % confidence',
};

/** Grid lines of cells with nothing to show: faint, so the analysed area stays visible. */
export const GRID_STROKE = '#7d8a97';

/** Five classes, light to dark (ColorBrewer YlOrRd), for counts and KDE densities. */
export const SEQUENTIAL = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'] as const;

export const METHOD_LABELS: Record<HotspotMethod, string> = {
  GI_STAR: 'Getis–Ord Gi*',
  KDE: 'Kernel density (quartic)',
  COUNT: 'Incident count',
};

export const DARKNESS_COLOURS = { DARK: '#4b3a9a', LIGHT: '#c26a00', UNKNOWN: '#66727e' } as const;
export const HATE_STROKE = '#b3261e';

export const INCIDENTS_LAYER: MapLayerInfo = {
  id: 'incidents',
  name: 'Incidents',
  legend: [
    { label: 'After dark', symbol: { kind: 'point', stroke: DARKNESS_COLOURS.DARK, fill: DARKNESS_COLOURS.DARK } },
    { label: 'In daylight', symbol: { kind: 'point', stroke: DARKNESS_COLOURS.LIGHT, fill: DARKNESS_COLOURS.LIGHT } },
    { label: 'Time known to the month', symbol: { kind: 'point', stroke: DARKNESS_COLOURS.UNKNOWN, fill: DARKNESS_COLOURS.UNKNOWN } },
    { label: 'Hate crime (red ring)', hint: 'Click a point for details', symbol: { kind: 'point', stroke: HATE_STROKE, fill: '#ffffff' } },
  ],
};

export const COVERAGE_COLOURS: Record<CoverageState, string> = {
  VISITED: '#1a7f37',
  DUE: '#a65f00',
  OVERDUE: '#b3261e',
  NOT_REQUIRED: '#5f6b77',
};

export const COVERAGE_LABELS: Record<CoverageState, string> = {
  VISITED: 'Visited: enough visits in the last 24 h',
  DUE: 'Due: short of today’s visits',
  OVERDUE: 'Overdue: no visit for too long',
  NOT_REQUIRED: 'No visits required',
};

export const SITES_LAYER: MapLayerInfo = {
  id: 'sites',
  name: 'Sites',
  legend: [
    ...(['VISITED', 'DUE', 'OVERDUE', 'NOT_REQUIRED'] as const).map((state) => ({
      label: COVERAGE_LABELS[state],
      symbol: { kind: 'site' as const, stroke: COVERAGE_COLOURS[state], siteKind: 'SYNAGOGUE' as const },
    })),
  ],
  detail: 'The icon shows the kind of place; click one for its visits.',
};

export const UNIT_COLOUR = '#0f2540';
export const UNIT_STALE_COLOUR = '#7a8793';
export const TRAIL_COLOUR = '#1d5fa8';
/** A unit whose last fix is older than this is drawn grey: it may be off shift or out of signal. */
export const STALE_AFTER_MS = 10 * 60_000;

export const UNITS_LAYER: MapLayerInfo = {
  id: 'units',
  name: 'Live units',
  legend: [
    { label: 'Patrol unit, with call sign and time since its last fix', symbol: { kind: 'point', stroke: '#ffffff', fill: UNIT_COLOUR } },
    { label: 'No fix for 10 min or more', symbol: { kind: 'point', stroke: '#ffffff', fill: UNIT_STALE_COLOUR } },
    { label: 'Trail: the last few minutes', symbol: { kind: 'line', stroke: TRAIL_COLOUR, dashed: true } },
  ],
};

export const TRACE_COLOUR = '#7b2d8e';
export const TRACE_LAYER: MapLayerInfo = {
  id: 'trace',
  name: 'Patrol trace',
  legend: [
    { label: 'Path of the chosen unit', hint: 'Replay it with the slider in the panel', symbol: { kind: 'line', stroke: TRACE_COLOUR } },
    { label: 'Koper-compliant visit (10–16 min)', symbol: { kind: 'point', stroke: '#ffffff', fill: COVERAGE_COLOURS.VISITED } },
    { label: 'Other visit', symbol: { kind: 'point', stroke: '#ffffff', fill: COVERAGE_COLOURS.DUE } },
  ],
};

/** Covered share of a zone, in five classes (ColorBrewer PuBu): darker is better covered. */
export const SHARE_CLASSES = [
  { below: 0.1, colour: '#f1eef6', label: 'Under 10 %' },
  { below: 0.25, colour: '#bdc9e1', label: '10–25 %' },
  { below: 0.5, colour: '#74a9cf', label: '25–50 %' },
  { below: 0.75, colour: '#2b8cbe', label: '50–75 %' },
  { below: Number.POSITIVE_INFINITY, colour: '#045a8d', label: '75 % or more' },
] as const;

export function shareColour(share: number): string {
  return (SHARE_CLASSES.find((c) => share < c.below) ?? SHARE_CLASSES[4]).colour;
}

export const ZONES_LAYER: MapLayerInfo = {
  id: 'zones',
  name: 'Zone coverage',
  legend: SHARE_CLASSES.map((c) => ({ label: c.label, symbol: { kind: 'area' as const, stroke: '#1d3b5c', fill: c.colour } })),
};

export const DRAFT_COLOUR = '#c2185b';

/** Hot-spot layer without data yet: its legend fills in from the result (see hotspotLegend). */
export const HOTSPOTS_LAYER: MapLayerInfo = {
  id: 'hotspots',
  name: 'Hot spots',
  legend: [],
};

/** Overlays in the order the layer control lists them. */
export const LAYER_ORDER: readonly LayerId[] = ['wards', 'zones', 'hotspots', 'patrolzones', 'incidents', 'sites', 'units', 'trace'];

export const SITE_KIND_LABELS: Record<SiteKind, string> = {
  SYNAGOGUE: 'Synagogue',
  MOSQUE: 'Mosque',
  CHURCH: 'Church',
  TEMPLE: 'Temple or gurdwara',
  SCHOOL: 'School',
  BUSINESS: 'Business',
  COMMUNITY_CENTRE: 'Community centre',
  EMBASSY: 'Embassy',
  OTHER: 'Other place',
};
