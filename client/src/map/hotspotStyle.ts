import type { Confidence, DashboardHotspotsQuery } from '@vigil/schema';
import { formatDate } from '../state/period';
import {
  CONFIDENCE_COLOURS,
  CONFIDENCE_LABELS,
  GRID_STROKE,
  HOTSPOTS_LAYER,
  type LegendEntry,
  type MapLayerInfo,
  METHOD_LABELS,
  SEQUENTIAL,
} from './layers';

export type HotspotResult = DashboardHotspotsQuery['hotspots'];
export type HotspotCell = HotspotResult['cells'][number];

const CONFIDENCE_ORDER: Confidence[] = ['HOT_99', 'HOT_95', 'HOT_90', 'COLD_90', 'COLD_95', 'COLD_99'];

export interface HotspotClasses {
  /** Fill colour of a cell, or null for cells drawn only as faint grid lines. */
  fillOf: (cell: HotspotCell) => string | null;
  legend: LegendEntry[];
}

/** Class breaks of counts or densities: quintiles of the cells with something in them. */
function quintileBreaks(values: number[]): number[] {
  const sorted = values.filter((v) => v > 0).sort((a, b) => a - b);
  if (sorted.length === 0) return [];
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return [...new Set([at(0.2), at(0.4), at(0.6), at(0.8)])];
}

function formatValue(value: number, method: HotspotResult['parameters']['method']): string {
  if (method === 'COUNT') return String(Math.round(value));
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1);
}

/** How each cell is coloured, and the legend that says so: Gi* bins, or five classes of counts/density. */
export function hotspotClasses(result: HotspotResult): HotspotClasses {
  const { method } = result.parameters;
  if (method === 'GI_STAR') {
    const present = new Set(result.cells.map((c) => c.confidence));
    const legend: LegendEntry[] = CONFIDENCE_ORDER.filter((c) => c.startsWith('HOT') || present.has(c)).map((c) => ({
      label: CONFIDENCE_LABELS[c],
      symbol: { kind: 'area', stroke: '#5b1020', fill: CONFIDENCE_COLOURS[c] ?? undefined },
    }));
    legend.push({ label: 'Not significant', symbol: { kind: 'area', stroke: GRID_STROKE, fill: '#ffffff' } });
    return { fillOf: (cell) => CONFIDENCE_COLOURS[cell.confidence], legend };
  }
  const breaks = quintileBreaks(result.cells.map((c) => c.value));
  const unit = method === 'COUNT' ? 'incidents' : 'per km²';
  const classOf = (value: number) => {
    if (value <= 0) return -1;
    let k = 0;
    while (k < breaks.length && value > breaks[k]!) k++;
    return Math.min(k, SEQUENTIAL.length - 1);
  };
  const legend: LegendEntry[] = [];
  const edges = [0, ...breaks];
  for (let k = 0; k < edges.length; k++) {
    const low = edges[k]!;
    const high = edges[k + 1];
    const label =
      high === undefined
        ? `More than ${formatValue(low, method)} ${unit}`
        : `${k === 0 ? 'Up to' : `${formatValue(low, method)} to`} ${formatValue(high, method)} ${unit}`;
    legend.push({ label, symbol: { kind: 'area', stroke: '#5b1020', fill: SEQUENTIAL[Math.min(k, SEQUENTIAL.length - 1)] } });
  }
  legend.push({ label: 'None', symbol: { kind: 'area', stroke: GRID_STROKE, fill: '#ffffff' } });
  return {
    fillOf: (cell) => {
      const k = classOf(cell.value);
      return k < 0 ? null : SEQUENTIAL[k]!;
    },
    legend,
  };
}

/** "Gi* · 250 m squares · 1 Oct – 28 Oct 2026": what the cells are, for the legend and panel. */
export function hotspotDescription(result: HotspotResult): string {
  const p = result.parameters;
  const f = result.filter;
  const shape = p.shape === 'HEXAGON' ? `${p.cellSize} m hexagons (edge)` : `${p.cellSize} m squares`;
  const extra =
    p.method === 'GI_STAR'
      ? `, neighbourhood ${Math.round(p.neighbourhood ?? 0)} m${p.fdr ? ', FDR-corrected' : ''}`
      : p.method === 'KDE'
        ? `, bandwidth ${Math.round(p.bandwidth ?? 0)} m`
        : '';
  return `${METHOD_LABELS[p.method]} on ${shape}${extra}; ${formatDate(f.from ?? '')} – ${formatDate(new Date(new Date(f.to ?? '').getTime() - 1))}`;
}

export function hotspotLayerInfo(result: HotspotResult | undefined, classes: HotspotClasses | undefined): MapLayerInfo {
  if (!result || !classes) return { ...HOTSPOTS_LAYER, legend: [], detail: 'Computing hot spots…' };
  return { ...HOTSPOTS_LAYER, legend: classes.legend, detail: hotspotDescription(result) };
}
