import type { EntityManager } from '@mikro-orm/postgresql';
import { empty, METRIC_SRID, metric, query, queryOne, type Sql, sql } from '../db/sql.js';
import { badInput } from '../graphql/errors.js';
import { type AppliedFilter, areaSql, FilterArea, filterSql, metricPoint } from '../incidents/incident-filter.js';
import {
  assignSql,
  cellArea,
  cellPolygonSql,
  centreSql,
  defaultNeighbourhood,
  gridConstantsSql,
  kernelOffsetsFromCell,
  neighbourOffsets,
  type Shape,
  spacing,
  TOLERANCE,
} from './grid.js';
import { type Confidence, confidenceOf, fdrConfidence, twoSidedP } from './statistics.js';

export type Method = 'COUNT' | 'KDE' | 'GI_STAR';
export type { Shape } from './grid.js';

export interface GridOptions {
  cellSize?: number | null;
  shape?: Shape | null;
  method?: Method | null;
  bandwidth?: number | null;
  neighbourhood?: number | null;
  fdr?: boolean | null;
  /** Also measure each cell's area inside the study area (for PAI's a/A). */
  clip?: boolean;
}

export interface Cell {
  id: string;
  i: number;
  j: number;
  /** Cell polygon, GeoJSON in WGS84. */
  geometry: { type: 'Polygon'; coordinates: number[][][] };
  /** Centre in the metric CRS. */
  x: number;
  y: number;
  count: number;
  value: number;
  zScore: number | null;
  pValue: number | null;
  confidence: Confidence;
  /** Area of the cell inside the study area, m² (only with `clip`). */
  areaInside: number | null;
}

export interface HotspotMap {
  filter: AppliedFilter;
  method: Method;
  shape: Shape;
  cellSize: number;
  bandwidth: number | null;
  neighbourhood: number | null;
  fdr: boolean;
  srid: number;
  incidentCount: number;
  cellCount: number;
  /** Study area, m². */
  areaSquareMetres: number;
  cells: Cell[];
}

/** Beyond this many cells the grid is too fine for the area: a map of more is unreadable anyway. */
export const MAX_CELLS = 60_000;
/** Beyond this many cell–neighbour pairs a Gi* neighbourhood is too wide for the grid. */
export const MAX_NEIGHBOUR_PAIRS = 20_000_000;

/** Whole numbers for an int[] parameter. */
const ints = (values: number[]) => values.map((v) => Math.trunc(v));

/** The hot cells of a Gi* map: 95 % confidence or more that the cell is hotter than the area. */
export const hotCells = (cells: Cell[]): Cell[] => cells.filter((c) => c.confidence === 'HOT_99' || c.confidence === 'HOT_95');

/** Grid settings with their defaults, checked; `field` prefixes error paths. */
export function gridSettings(options: GridOptions, field = 'input') {
  const cellSize = options.cellSize ?? 250;
  const shape = options.shape ?? 'SQUARE';
  const method = options.method ?? 'GI_STAR';
  const bandwidth = method === 'KDE' ? (options.bandwidth ?? 2 * cellSize) : null;
  const neighbourhood = method === 'GI_STAR' ? (options.neighbourhood ?? defaultNeighbourhood(shape, cellSize)) : null;
  if (neighbourhood !== null && neighbourhood < spacing(shape, cellSize) * (1 - TOLERANCE)) {
    throw badInput(
      `${field}.neighbourhood`,
      `must reach the neighbouring cells: at least ${shape === 'HEXAGON' ? 'cellSize × √3' : 'cellSize'} (${spacing(shape, cellSize)} m)`,
    );
  }
  return { cellSize, shape, method, bandwidth, neighbourhood, fdr: Boolean(options.fdr) && method === 'GI_STAR' };
}

/**
 * Hot spots on a grid, computed set-based in PostGIS in the metric CRS (distances in
 * metres, never degrees), returned in WGS84, over the incidents of `filter` (which has an
 * area: the grid covers it).
 *
 * - COUNT: incidents per cell.
 * - KDE (quartic kernel, the crime-mapping habit): density at each cell centre,
 *   f(c) = Σ_{d<h} 3/(π h²) · (1 − d²/h²)², in incidents per km².
 * - GI_STAR (brief): G*ᵢ = (Σⱼ wᵢⱼxⱼ − X̄ Σⱼ wᵢⱼ) ÷ (S √{[n Σⱼ wᵢⱼ² − (Σⱼ wᵢⱼ)²] ÷ (n−1)}),
 *   X̄ = Σxⱼ/n, S = √(Σxⱼ²/n − X̄²), with binary weights wᵢⱼ = 1 when the centres are within
 *   the neighbourhood distance (i included), so Σⱼ wᵢⱼ² = Σⱼ wᵢⱼ. x are the cell counts of
 *   every cell of the area, zeros included.
 *
 * The cells are those of the grid meeting the area, and any other holding a counted
 * incident (a point inside the area in WGS84 may lie a hair outside its reprojection), so
 * the cells' counts always add up to the filter's incidents in the area.
 */
export async function hotspotMap(em: EntityManager, filter: AppliedFilter, options: GridOptions, field?: string): Promise<HotspotMap>;
/** @deprecated the metric projection is always METRIC_SRID: leave the srid out (coverage.service.ts until it is converted). */
export async function hotspotMap(
  em: EntityManager,
  srid: number,
  filter: AppliedFilter,
  options: GridOptions,
  field?: string,
): Promise<HotspotMap>;
export async function hotspotMap(
  em: EntityManager,
  ...args: [AppliedFilter, GridOptions, string?] | [number, AppliedFilter, GridOptions, string?]
): Promise<HotspotMap> {
  if (typeof args[0] === 'number') {
    if (args[0] !== METRIC_SRID) throw new Error(`the metric projection is EPSG:${METRIC_SRID}, not ${args[0]}`);
    const [, filter, options, field] = args as [number, AppliedFilter, GridOptions, string?];
    return gridMap(em, filter, options, field);
  }
  const [filter, options, field] = args as [AppliedFilter, GridOptions, string?];
  return gridMap(em, filter, options, field);
}

async function gridMap(em: EntityManager, filter: AppliedFilter, options: GridOptions, field = 'input'): Promise<HotspotMap> {
  if (filter.area === FilterArea.ANYWHERE) throw new Error('a hot-spot map needs an area');
  const { cellSize, shape, method, bandwidth, neighbourhood, fdr } = gridSettings(options, field);
  const studyArea = areaSql(filter)!;

  // Refuse a grid too fine before building it: the cell count follows from the extent.
  const extent = await queryOne<{ area: number | null; w: number; h: number }>(
    em,
    sql`select ST_Area(g) as area, ST_XMax(g) - ST_XMin(g) as w, ST_YMax(g) - ST_YMin(g) as h
        from (select ${metric(studyArea)} as g) a`,
  );
  if (extent?.area === null || extent?.area === undefined)
    throw badInput(`${field}.filter`, 'there are no patrol zones to analyse: give a bbox or a polygon');
  const estimate = Math.ceil(((extent.w + 2 * cellSize) * (extent.h + 2 * cellSize)) / cellArea(shape, cellSize));
  if (estimate > MAX_CELLS) {
    throw badInput(
      `${field}.cellSize`,
      `${cellSize} m cells make about ${estimate} cells over this area; use larger cells or a smaller area (at most ${MAX_CELLS})`,
    );
  }
  const neighbours = neighbourhood !== null ? neighbourOffsets(shape, cellSize, neighbourhood) : null;
  if (neighbours && (neighbours.di.length / (shape === 'HEXAGON' ? 2 : 1)) * estimate > MAX_NEIGHBOUR_PAIRS) {
    throw badInput(
      `${field}.neighbourhood`,
      `${neighbourhood} m reaches about ${Math.round(neighbours.di.length / (shape === 'HEXAGON' ? 2 : 1))} cells around each of about ${estimate}; use a shorter neighbourhood or larger cells`,
    );
  }
  const kernel = bandwidth !== null ? kernelOffsetsFromCell(shape, cellSize, bandwidth) : null;

  const grid = shape === 'SQUARE' ? sql`ST_SquareGrid` : sql`ST_HexagonGrid`;
  const [s, pt] = [sql`s`, sql`pt`];
  const c = centreSql(shape, s);
  const parity = (alias: Sql) => (shape === 'SQUARE' ? sql`0` : sql`abs(${alias}.i) % 2`);
  const points = sql`(select ${metricPoint('i')} as p from incidents i, area
                      where ${filterSql(filter, 'i', { area: false })} and ST_Intersects(i.location, area.wgs84)) pts`;
  // One statement: the area, the incidents in it (one pass, each to its cell by
  // arithmetic), the grid over it, the counts per cell.
  const base = sql`
    with k as (${gridConstantsSql(cellSize)}),
    area as materialized (
      select ${studyArea} as wgs84
    ), metric as materialized (
      select ${metric(sql`wgs84`)} as g, wgs84 from area
    ), points as ${method === 'KDE' ? sql`materialized` : empty} (
      ${assignSql(shape, points)}
    ), counts as (
      select i, j, count(*)::int as n from points group by i, j
    ), grid as materialized (
      -- The test is a column, filtered below, not a condition here: as a condition PostgreSQL
      -- estimates the grid at one row (it cannot know how much of it meets the area) and
      -- plans every join over the cells as nested loops, rescanning them once per cell.
      select c.i, c.j, ST_Intersects(c.geom, metric.g) as meets from metric, k, ${grid}(k.s, metric.g) c
    ), scored as materialized (
      select s.i, s.j, s.n, ${c.x} as x, ${c.y} as y, ${parity(s)} as parity
      from (
        select coalesce(g.i, n.i) as i, coalesce(g.j, n.j) as j, coalesce(n.n, 0) as n
        from (select i, j from grid where meets) g full join counts n using (i, j)
      ) s, k
    )`;
  // Each cell's polygon in WGS84, in the same statement (a second round trip cost more than
  // the polygons do): cells are scored without them and meet them again only here.
  const polygon = cellPolygonSql(shape, s);
  const clip = options.clip
    ? sql`, (select case when ST_Within(${polygon}, metric.g) then ${cellArea(shape, cellSize)}::float8
                    else ST_Area(ST_Intersection(${polygon}, metric.g)) end from metric) as inside`
    : sql`, null::float8 as inside`;
  const tail = sql`ST_AsGeoJSON(ST_Transform(${polygon}, 4326), 7) as g ${clip}`;
  let select: Sql;
  if (method === 'COUNT') {
    select = sql`select s.i, s.j, s.x, s.y, s.n, s.n::float8 as value, null::float8 as z, ${tail} from scored s, k`;
  } else if (method === 'KDE') {
    // Each incident meets only the cell centres that can lie within h of it: its own
    // cell's indices minus each offset (kernelOffsetsFromCell), joined on equality, the
    // distance from its cell's centre plus the offset's displacement (two additions and
    // two products a pair), then the exact test d < h. Grouped by the centre's indices,
    // which PostgreSQL hashes: no sort of the pairs.
    const own = centreSql(shape, pt);
    const h2 = bandwidth! ** 2;
    select = sql`,
      offsets as (
        select * from unnest(${ints(kernel!.parity)}::int[], ${ints(kernel!.di)}::int[], ${ints(kernel!.dj)}::int[],
                             ${kernel!.dx}::float8[], ${kernel!.dy}::float8[]) as o(parity, di, dj, dx, dy)
      ),
      located as materialized (
        select pt.i, pt.j, ${parity(pt)} as parity, ${own.x} - pt.x as qx, ${own.y} - pt.y as qy from points pt, k
      ),
      pairs as (
        select q.i - o.di as i, q.j - o.dj as j, (q.qx + o.dx) * (q.qx + o.dx) + (q.qy + o.dy) * (q.qy + o.dy) as d2
        from located q join offsets o on o.parity = q.parity
      ),
      density as (
        select i, j, sum((1 - d2 / ${h2}::float8) ^ 2) as k
        from pairs where d2 < ${h2}::float8
        group by i, j
      )
      select s.i, s.j, s.x, s.y, s.n,
             coalesce(d.k, 0) * 3 / (pi() * ${h2}::float8) * 1e6 as value, null::float8 as z, ${tail}
      from scored s left join density d using (i, j), k`;
  } else {
    select = sql`,
      stats as materialized (
        select count(*)::float8 as n, avg(n::float8) as xbar, sqrt(greatest(avg((n::float8) ^ 2) - avg(n::float8) ^ 2, 0)) as s from scored
      ),
      offsets as (select * from unnest(${ints(neighbours!.parity)}::int[], ${ints(neighbours!.di)}::int[], ${ints(neighbours!.dj)}::int[]) as o(parity, di, dj)),
      neighbours as (
        select a.i, a.j, sum(b.n)::float8 as wx, count(*)::float8 as w
        from scored a
        join offsets o on o.parity = a.parity
        join scored b on b.i = a.i + o.di and b.j = a.j + o.dj
        group by a.i, a.j
      )
      select s.i, s.j, s.x, s.y, s.n, nb.wx as value,
             case when st.s = 0 or st.n < 2 or st.n * nb.w - nb.w ^ 2 <= 0 then null
                  else (nb.wx - st.xbar * nb.w) / (st.s * sqrt((st.n * nb.w - nb.w ^ 2) / (st.n - 1))) end as z,
             ${tail}
      from scored s join neighbours nb using (i, j) cross join stats st, k`;
  }
  const rows = await query<{
    i: number;
    j: number;
    x: number;
    y: number;
    n: number;
    value: number;
    z: number | null;
    g: string;
    inside: number | null;
  }>(em, sql`${base} ${select} order by i, j`);

  const zs = rows.map((r) => (r.z === null ? Number.NaN : Number(r.z)));
  const ps = zs.map((z) => (Number.isNaN(z) ? Number.NaN : twoSidedP(z)));
  const bins = method !== 'GI_STAR' ? rows.map(() => 'NOT_SIGNIFICANT' as const) : fdr ? fdrConfidence(zs, ps) : zs.map(confidenceOf);
  const cells = rows.map((r, k) => ({
    id: `${shape === 'SQUARE' ? 's' : 'h'}${cellSize}:${r.i}:${r.j}`,
    i: r.i,
    j: r.j,
    geometry: JSON.parse(r.g) as Cell['geometry'],
    x: r.x,
    y: r.y,
    count: r.n,
    value: Number(r.value),
    zScore: Number.isNaN(zs[k]!) ? null : zs[k]!,
    pValue: Number.isNaN(ps[k]!) ? null : ps[k]!,
    confidence: bins[k]!,
    areaInside: r.inside === null ? null : Number(r.inside),
  }));
  return {
    filter,
    method,
    shape,
    cellSize,
    bandwidth,
    neighbourhood,
    fdr,
    srid: METRIC_SRID,
    incidentCount: cells.reduce((sum, c) => sum + c.count, 0),
    cellCount: cells.length,
    areaSquareMetres: extent.area,
    cells,
  };
}
