import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../graphql/errors.js';
import { type AreaInput, resolveArea } from './area.js';
import { type IncidentSelection, incidentConditions } from './incident-conditions.js';
import { Params } from './sql-builder.js';
import { type Confidence, confidenceOf, fdrConfidence, twoSidedP } from './statistics.js';

export type Method = 'COUNT' | 'KDE' | 'GI_STAR';
export type Shape = 'SQUARE' | 'HEXAGON';

export interface HotspotOptions extends IncidentSelection, AreaInput {
  cellSize?: number | null;
  shape?: Shape | null;
  method?: Method | null;
  bandwidth?: number | null;
  neighbourhood?: number | null;
  fdr?: boolean | null;
}

export interface Cell {
  id: string;
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
}

export interface HotspotMap {
  method: Method;
  shape: Shape;
  cellSize: number;
  bandwidth: number | null;
  neighbourhood: number | null;
  fdr: boolean;
  srid: number;
  from: Date;
  to: Date;
  incidentCount: number;
  cellCount: number;
  /** Area analysed, m². */
  areaSquareMetres: number;
  cells: Cell[];
}

/** Beyond this many cells the grid is too fine for the area: a map of more is unreadable anyway. */
export const MAX_CELLS = 60_000;

/** Metric point of an incident: the stored British National Grid column when that is the CRS (indexed). */
const metricPoint = (srid: number) => (srid === 27700 ? 'i.location_bng' : `ST_Transform(i.location, ${srid})`);

/**
 * Hot spots on a grid, computed set-based in PostGIS in the metric CRS (distances in
 * metres, never degrees), returned in WGS84.
 *
 * - COUNT: incidents per cell.
 * - KDE (quartic kernel, the crime-mapping habit): density at each cell centre,
 *   f(c) = Σ_{d<h} 3/(π h²) · (1 − d²/h²)², in incidents per km².
 * - GI_STAR (brief): G*ᵢ = (Σⱼ wᵢⱼxⱼ − X̄ Σⱼ wᵢⱼ) ÷ (S √{[n Σⱼ wᵢⱼ² − (Σⱼ wᵢⱼ)²] ÷ (n−1)}),
 *   X̄ = Σxⱼ/n, S = √(Σxⱼ²/n − X̄²), with binary weights wᵢⱼ = 1 when the centres are within
 *   the neighbourhood distance (i included), so Σⱼ wᵢⱼ² = Σⱼ wᵢⱼ. x are the cell counts of
 *   every cell in the area, zeros included.
 */
export async function hotspotMap(em: EntityManager, srid: number, options: HotspotOptions): Promise<HotspotMap> {
  const cellSize = options.cellSize ?? 250;
  const shape = options.shape ?? 'SQUARE';
  const method = options.method ?? 'GI_STAR';
  const bandwidth = method === 'KDE' ? (options.bandwidth ?? 2 * cellSize) : null;
  const neighbourhood = method === 'GI_STAR' ? (options.neighbourhood ?? 1.5 * cellSize) : null;
  if (neighbourhood !== null && neighbourhood < cellSize * (shape === 'HEXAGON' ? Math.sqrt(3) : 1)) {
    throw badInput(
      'input.neighbourhood',
      `must reach the neighbouring cells: at least ${shape === 'HEXAGON' ? 'cellSize × √3' : 'cellSize'}`,
    );
  }
  const area = await resolveArea(em, options);

  const p = new Params();
  const grid = shape === 'SQUARE' ? 'ST_SquareGrid' : 'ST_HexagonGrid';
  // Placeholders are added in the order they appear in the text: keep p.add() inline.
  // One statement: the area, the incidents in it, the grid over it, the counts per cell.
  const base = `
    with area as (
      select ST_SetSRID(ST_GeomFromGeoJSON(${p.add(area)}), 4326) as wgs84
    ), metric as (
      select ST_Transform(wgs84, ${srid}) as g, wgs84 from area
    ), points as (
      select i.id, ${metricPoint(srid)} as p
      from incidents i, metric
      where ${incidentConditions(p, options)} and ST_Intersects(i.location, metric.wgs84)
    ), cells as (
      select c.i, c.j, c.geom, ST_X(ST_Centroid(c.geom)) as x, ST_Y(ST_Centroid(c.geom)) as y
      from metric, ${grid}(${p.add(cellSize)}, metric.g) c
      where ST_Intersects(c.geom, metric.g)
    ), counts as (
      ${
        shape === 'SQUARE'
          ? // A square cell (i, j) spans [i·size, (i+1)·size): arithmetic, not a spatial join, and
            // a point on an edge falls in exactly one cell.
            `select floor(ST_X(p) / ${p.add(cellSize)})::int as i, floor(ST_Y(p) / ${p.add(cellSize)})::int as j, count(*)::int as n from points group by 1, 2`
          : // Hexagons: the containing cell; a point on an edge goes to the first by (i, j).
            `select i, j, count(*)::int as n from (
               select distinct on (pt.id) c.i, c.j from points pt join cells c on ST_Intersects(c.geom, pt.p) order by pt.id, c.i, c.j
             ) assigned group by i, j`
      }
    ), scored as (
      select c.i, c.j, c.geom, c.x, c.y, coalesce(n.n, 0) as n
      from cells c left join counts n using (i, j)
    )`;

  // Each cell's polygon in WGS84, in the same statement (a second round trip cost more than
  // the polygons do): cells are scored without them and meet them again only here.
  const polygon = (cells: string) => `ST_AsGeoJSON(ST_Transform(${cells}.geom, 4326), 7) as g`;
  let select: string;
  if (method === 'COUNT') {
    select = `select i, j, x, y, n, n::float8 as value, null::float8 as z, ${polygon('scored')} from scored`;
  } else if (method === 'KDE') {
    // Points and centres in buckets of the bandwidth: only the 3 × 3 neighbouring buckets can be within h.
    select = `,
      pb as (select ST_X(p) as px, ST_Y(p) as py, floor(ST_X(p) / ${p.add(bandwidth)})::int as bx, floor(ST_Y(p) / ${p.add(bandwidth)})::int as by from points),
      density as (
        select s.i, s.j, sum(power(1 - ((s.x - pb.px) ^ 2 + (s.y - pb.py) ^ 2) / ${p.add((bandwidth ?? 0) ** 2)}, 2)) as k
        from scored s
        cross join generate_series(-1, 1) dx cross join generate_series(-1, 1) dy
        join pb on pb.bx = floor(s.x / ${p.add(bandwidth)})::int + dx and pb.by = floor(s.y / ${p.add(bandwidth)})::int + dy
        where (s.x - pb.px) ^ 2 + (s.y - pb.py) ^ 2 < ${p.add((bandwidth ?? 0) ** 2)}
        group by s.i, s.j
      )
      select s.i, s.j, s.x, s.y, s.n,
             coalesce(d.k, 0) * 3 / (pi() * ${p.add((bandwidth ?? 0) ** 2)}) * 1e6 as value, null::float8 as z, ${polygon('s')}
      from scored s left join density d using (i, j)`;
  } else {
    select = `,
      stats as (
        select count(*)::float8 as n, avg(n::float8) as xbar, sqrt(greatest(avg((n::float8) ^ 2) - avg(n::float8) ^ 2, 0)) as s from scored
      ),
      buckets as (select i, j, x, y, n, floor(x / ${p.add(neighbourhood)})::int as bx, floor(y / ${p.add(neighbourhood)})::int as by from scored),
      neighbours as (
        select a.i, a.j, sum(b.n)::float8 as wx, count(*)::float8 as w
        from buckets a
        cross join generate_series(-1, 1) dx cross join generate_series(-1, 1) dy
        join buckets b on b.bx = a.bx + dx and b.by = a.by + dy
        where (a.x - b.x) ^ 2 + (a.y - b.y) ^ 2 <= ${p.add((neighbourhood ?? 0) ** 2)}
        group by a.i, a.j
      )
      select s.i, s.j, s.x, s.y, s.n, nb.wx as value,
             case when st.s = 0 or st.n < 2 or st.n * nb.w - nb.w ^ 2 <= 0 then null
                  else (nb.wx - st.xbar * nb.w) / (st.s * sqrt((st.n * nb.w - nb.w ^ 2) / (st.n - 1))) end as z,
             ${polygon('s')}
      from scored s join neighbours nb using (i, j) cross join stats st`;
  }
  const sql = `${base} ${select} order by i, j`;

  // Refuse a grid too fine before building it: the cell count follows from the extent.
  const [extent] = await em.execute<{ area: number; w: number; h: number }[]>(
    `select ST_Area(g) as area, ST_XMax(g) - ST_XMin(g) as w, ST_YMax(g) - ST_YMin(g) as h
     from (select ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON(?), 4326), ${srid}) as g) a`,
    [area],
  );
  const cellArea = shape === 'SQUARE' ? cellSize ** 2 : ((3 * Math.sqrt(3)) / 2) * cellSize ** 2;
  const estimate = Math.ceil((((extent?.w ?? 0) + 2 * cellSize) * ((extent?.h ?? 0) + 2 * cellSize)) / cellArea);
  if (estimate > MAX_CELLS) {
    throw badInput(
      'input.cellSize',
      `${cellSize} m cells make about ${estimate} cells over this area; use larger cells or a smaller area (at most ${MAX_CELLS})`,
    );
  }
  const rows = await em.execute<{ i: number; j: number; x: number; y: number; n: number; value: number; z: number | null; g: string }[]>(
    sql,
    p.values,
  );

  const zs = rows.map((r) => (r.z === null ? Number.NaN : Number(r.z)));
  const ps = zs.map((z) => (Number.isNaN(z) ? Number.NaN : twoSidedP(z)));
  const fdr = Boolean(options.fdr) && method === 'GI_STAR';
  const bins = method !== 'GI_STAR' ? rows.map(() => 'NOT_SIGNIFICANT' as const) : fdr ? fdrConfidence(zs, ps) : zs.map(confidenceOf);
  const cells = rows.map((r, k) => ({
    id: `${shape === 'SQUARE' ? 's' : 'h'}${cellSize}:${r.i}:${r.j}`,
    geometry: JSON.parse(r.g) as Cell['geometry'],
    x: r.x,
    y: r.y,
    count: r.n,
    value: Number(r.value),
    zScore: Number.isNaN(zs[k]!) ? null : zs[k]!,
    pValue: Number.isNaN(ps[k]!) ? null : ps[k]!,
    confidence: bins[k]!,
  }));
  return {
    method,
    shape,
    cellSize,
    bandwidth,
    neighbourhood,
    fdr,
    srid,
    from: options.from,
    to: options.to,
    incidentCount: cells.reduce((sum, c) => sum + c.count, 0),
    cellCount: cells.length,
    areaSquareMetres: extent?.area ?? 0,
    cells,
  };
}
