import type { EntityManager } from '@mikro-orm/postgresql';
import type { MultiPolygon, Polygon } from '../db/geometry.js';
import { METRIC, metric, queryOne, sql } from '../db/sql.js';
import { type AppliedFilter, areaSql, commandArea, filterSql, polygonArea, refine } from '../incidents/incident-filter.js';
import { type SiteCoverageRow, siteCoverage } from './coverage.service.js';
import { hotCells, hotspotMap } from './hotspot.service.js';

export interface ZonePreview {
  areaSquareMetres: number;
  /** Incidents of the filter inside the drawn boundary. */
  incidents: number;
  filter: AppliedFilter;
  /** N: incidents of the filter in the command area (all zones). */
  incidentsInCommandArea: number;
  commandAreaFilter: AppliedFilter;
  /** A. */
  commandAreaSquareMetres: number;
  /** a: the drawn zone's area inside the command area. */
  capturedSquareMetres: number;
  /** n: incidents inside both. */
  capturedIncidents: number;
  /** PAI = (n/N) ÷ (a/A). */
  pai: number | null;
  /** Gi* hot cells (250 m, HOT_95 or hotter) of the command area whose centre lies inside the boundary. */
  hotCellsCaptured: number;
  hotCellsTotal: number;
  sites: SiteCoverageRow[];
}

/**
 * What-if for planners, saving nothing: what a drawn zone would capture of the filter's
 * incidents, its hot spots and the sites, and its PAI against the command area. `filter`
 * has its window (at most 31 days) and no area: the boundary and the command area are the
 * areas compared. Every count goes through the one incident filter, so the figures match
 * incidents(filter: …) with the echoed filters.
 */
export async function previewZone(em: EntityManager, boundary: Polygon | MultiPolygon, filter: AppliedFilter): Promise<ZonePreview> {
  const inZone = refine(filter, polygonArea(boundary));
  const inCommand = refine(filter, commandArea);
  const zone = areaSql(inZone)!;
  const command = areaSql(inCommand)!;
  const totals = await queryOne<{ zone_area: number; command_area: number | null; both_area: number | null }>(
    em,
    sql`with zone as (select ${zone} as g), command as (select ${command} as g)
        select ST_Area(${metric(sql`zone.g`)}) as zone_area,
               ST_Area(${metric(sql`command.g`)}) as command_area,
               ST_Area(${metric(sql`ST_Intersection(zone.g, command.g)`)}) as both_area
        from zone, command`,
  );
  const counts = await queryOne<{ n: number; big_n: number; both: number }>(
    em,
    sql`select count(*) filter (where ${filterSql(inZone)})::int as n,
               count(*) filter (where ${filterSql(inCommand)})::int as big_n,
               count(*) filter (where ${filterSql(inZone)} and ${filterSql(inCommand)})::int as both
        from incidents i
        where ${filterSql(filter)}`,
  );
  const bigA = totals?.command_area ?? 0;
  const a = totals?.both_area ?? 0;
  const bigN = counts?.big_n ?? 0;
  const n = counts?.both ?? 0;

  let hotCellsCaptured = 0;
  let hotCellsTotal = 0;
  if (bigA > 0) {
    const map = await hotspotMap(em, inCommand, { cellSize: 250, method: 'GI_STAR' }, 'filter');
    const hot = hotCells(map.cells);
    hotCellsTotal = hot.length;
    if (hot.length > 0) {
      const captured = await queryOne<{ k: number }>(
        em,
        sql`select count(*)::int as k from jsonb_to_recordset(${JSON.stringify(hot.map((c) => ({ x: c.x, y: c.y })))}::jsonb) as c(x float8, y float8)
            where ST_Intersects(${metric(zone)}, ST_SetSRID(ST_MakePoint(c.x, c.y), ${METRIC}))`,
      );
      hotCellsCaptured = captured?.k ?? 0;
    }
  }
  return {
    areaSquareMetres: totals?.zone_area ?? 0,
    incidents: counts?.n ?? 0,
    filter: inZone,
    incidentsInCommandArea: bigN,
    commandAreaFilter: inCommand,
    commandAreaSquareMetres: bigA,
    capturedSquareMetres: a,
    capturedIncidents: n,
    pai: bigN > 0 && a > 0 && bigA > 0 ? n / bigN / (a / bigA) : null,
    hotCellsCaptured,
    hotCellsTotal,
    sites: await siteCoverage(em, JSON.stringify(boundary), filter.from!, filter.to!),
  };
}
