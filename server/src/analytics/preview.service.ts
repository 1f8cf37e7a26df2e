import type { EntityManager } from '@mikro-orm/postgresql';
import { checkPolygonal } from '../shared/geometry-validation.js';
import { checkCoverageWindow, type SiteCoverageRow, siteCoverage } from './coverage.service.js';
import { hotspotMap } from './hotspot.service.js';

export interface ZonePreview {
  areaSquareMetres: number;
  /** Incidents inside the drawn boundary in the window. */
  incidents: number;
  /** Incidents in the whole command area (all zones) in the window. */
  incidentsInCommandArea: number;
  commandAreaSquareMetres: number;
  /** PAI = (n/N) ÷ (a/A): the zone's share of incidents over its share of the command area. */
  pai: number | null;
  /** Gi* hot cells (250 m, HOT_95 or hotter) of the command area whose centre lies inside the boundary. */
  hotCellsCaptured: number;
  hotCellsTotal: number;
  sites: SiteCoverageRow[];
}

/**
 * What-if for planners, saving nothing: what a drawn zone would capture of the incidents,
 * the hot spots and the sites, and its PAI against the command area.
 */
export async function previewZone(em: EntityManager, srid: number, boundary: unknown, from: Date, to: Date): Promise<ZonePreview> {
  checkCoverageWindow(from, to, '');
  const shape = await checkPolygonal(em, 'boundary', boundary);
  const geojson = JSON.stringify(shape);
  const [totals] = await em.execute<{ zone_area: number; command_area: number | null; n: number; big_n: number }[]>(
    `with zone as (select ST_SetSRID(ST_GeomFromGeoJSON(?), 4326) as g),
          command as (select ST_Union(boundary) as g from patrol_zones)
     select ST_Area(ST_Transform(zone.g, 27700)) as zone_area,
            ST_Area(ST_Transform(command.g, 27700)) as command_area,
            (select count(*) from incidents i where i.occurred_at >= ? and i.occurred_at < ? and ST_Intersects(i.location, zone.g))::int as n,
            (select count(*) from incidents i where i.occurred_at >= ? and i.occurred_at < ? and ST_Intersects(i.location, command.g))::int as big_n
     from zone, command`,
    [geojson, from, to, from, to],
  );
  const a = totals?.zone_area ?? 0;
  const bigA = totals?.command_area ?? 0;
  const n = totals?.n ?? 0;
  const bigN = totals?.big_n ?? 0;

  let hotCellsCaptured = 0;
  let hotCellsTotal = 0;
  if (bigA > 0) {
    const map = await hotspotMap(em, srid, { from, to, cellSize: 250, method: 'GI_STAR' });
    const hot = map.cells.filter((c) => c.confidence === 'HOT_99' || c.confidence === 'HOT_95');
    hotCellsTotal = hot.length;
    if (hot.length > 0) {
      const [captured] = await em.execute<{ k: number }[]>(
        `select count(*)::int as k from jsonb_to_recordset(?::jsonb) as c(x float8, y float8)
         where ST_Intersects(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326), ${srid}), ST_SetSRID(ST_MakePoint(c.x, c.y), ${srid}))`,
        [JSON.stringify(hot.map((c) => ({ x: c.x, y: c.y }))), geojson],
      );
      hotCellsCaptured = captured?.k ?? 0;
    }
  }
  return {
    areaSquareMetres: a,
    incidents: n,
    incidentsInCommandArea: bigN,
    commandAreaSquareMetres: bigA,
    pai: bigN > 0 && a > 0 && bigA > 0 ? n / bigN / (a / bigA) : null,
    hotCellsCaptured,
    hotCellsTotal,
    sites: await siteCoverage(em, geojson, from, to),
  };
}
