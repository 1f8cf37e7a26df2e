import type { HotspotResult } from '../map/hotspotStyle';
import { METHOD_LABELS } from '../map/layers';
import { download, downloadCsv, stamp } from './files';

/** What the cells were made with, as properties every GIS keeps: method, cell, period. */
function about(result: HotspotResult) {
  const p = result.parameters;
  return {
    method: METHOD_LABELS[p.method],
    cell_shape: p.shape === 'HEXAGON' ? 'hexagon' : 'square',
    cell_size_m: p.cellSize,
    neighbourhood_m: p.neighbourhood ?? null,
    bandwidth_m: p.bandwidth ?? null,
    fdr: p.fdr,
    from: result.filter.from,
    to: result.filter.to,
    // The server's own words for the filter that made the cells.
    incidents: result.filter.description,
  };
}

/** Hot-spot cells as GeoJSON (RFC 7946, WGS84) for QGIS or ArcGIS: one Feature per cell. */
export function downloadCellsGeoJson(result: HotspotResult): void {
  const collection = {
    type: 'FeatureCollection',
    // A foreign member (RFC 7946 § 6.1): GIS tools keep it, and it says how the map was made.
    vigil: { ...about(result), incident_count: result.summary.incidentCount },
    features: result.cells.map((c) => ({
      type: 'Feature',
      id: c.id,
      geometry: c.geometry,
      properties: { id: c.id, count: c.count, value: c.value, z_score: c.zScore ?? null, confidence: c.confidence },
    })),
  };
  download(`vigil-hotspots-${stamp()}.geojson`, 'application/geo+json', JSON.stringify(collection));
}

/** WKT of a Polygon: QGIS reads a CSV's geometry from such a column. */
function wkt(geometry: { coordinates: number[][][] }): string {
  return `POLYGON((${(geometry.coordinates[0] ?? []).map(([x, y]) => `${x} ${y}`).join(', ')}))`;
}

/** The same cells as CSV: centre, counts, z-score, confidence, and the polygon as WKT (WGS84). */
export function downloadCellsCsv(result: HotspotResult): void {
  const a = about(result);
  downloadCsv(
    `vigil-hotspots-${stamp()}.csv`,
    [
      'id',
      'count',
      'value',
      'z_score',
      'confidence',
      'centre_lon',
      'centre_lat',
      'wkt',
      'method',
      'cell_size_m',
      'from',
      'to',
      'incidents',
    ],
    result.cells.map((c) => {
      const ring = (c.geometry as { coordinates: number[][][] }).coordinates[0] ?? [];
      const corners = ring.slice(0, -1);
      const lon = corners.reduce((s, p) => s + p[0]!, 0) / Math.max(1, corners.length);
      const lat = corners.reduce((s, p) => s + p[1]!, 0) / Math.max(1, corners.length);
      return [
        c.id,
        c.count,
        c.value,
        c.zScore ?? '',
        c.confidence,
        lon.toFixed(6),
        lat.toFixed(6),
        wkt(c.geometry as { coordinates: number[][][] }),
        a.method,
        a.cell_size_m,
        a.from,
        a.to,
        a.incidents,
      ];
    }),
  );
}
