import { METRIC, type Sql, sql } from '../db/sql.js';

/**
 * Arithmetic of the two grids, in the metric CRS, shared by the SQL that builds hot-spot
 * maps: cell centres from the grid indices (i, j), the cell an incident falls in, and
 * which cells are neighbours. PostGIS's ST_SquareGrid and ST_HexagonGrid number cells the
 * same way (origin 0, 0), so a cell (i, j) here is the polygon ST_Square / ST_Hexagon(i, j).
 *
 * - Squares of side s: cell (i, j) spans [i·s, (i+1)·s) × [j·s, (j+1)·s); centre ((i+½)s, (j+½)s).
 * - Hexagons of edge s (flat-topped, as ST_HexagonGrid): centre (1.5·s·i, √3·s·(j + ½·(|i| mod 2))).
 *   Neighbouring centres are √3·s apart; the second ring is at 3·s and 2√3·s.
 */

export type Shape = 'SQUARE' | 'HEXAGON';

/**
 * Relative slack of the neighbour and kernel tests. Distances between centres are compared
 * through exact integers (squared distance ÷ s², ×4 for hexagons), so the slack only keeps
 * a neighbourhood given as exactly √3·s (which is 1.7320508075688772·s in floating point,
 * its square 2.9999999999999996·s²) from dropping the touching hexagons it names. It is far
 * below the gap to the next distance (relative 1/640,000 at most here), so it adds no cell.
 */
export const TOLERANCE = 1e-9;

/** Distance between neighbouring centres: s for squares, √3·s for hexagons. */
export const spacing = (shape: Shape, size: number) => (shape === 'SQUARE' ? size : Math.sqrt(3) * size);

/**
 * Default Gi* neighbourhood, the same rule for both shapes: 1.5 × the spacing of
 * neighbouring centres. It reaches the first ring and nothing beyond — the 8 squares
 * around a square (at s and √2·s; the next are at 2·s), the 6 hexagons around a hexagon
 * (at √3·s ≈ 1.73·s; the next are at 3·s, and 1.5·√3·s ≈ 2.60·s stops short of them).
 */
export const defaultNeighbourhood = (shape: Shape, size: number) => 1.5 * spacing(shape, size);

/** Parity of a column, which shifts hexagon centres by half a row (0 for squares). */
const parities = (shape: Shape) => (shape === 'SQUARE' ? [0] : [0, 1]);

/**
 * 4·(squared distance between the centres of (i, j) and (i + di, j + dj)) ÷ s², an exact
 * integer: squares (di² + dj²)·4; hexagons 9·di² + 3·(2·dj + Δparity)².
 */
function distance4(shape: Shape, parity: number, di: number, dj: number): number {
  if (shape === 'SQUARE') return 4 * (di * di + dj * dj);
  const parityB = Math.abs(parity + di) % 2;
  const rows = 2 * dj + parityB - parity;
  return 9 * di * di + 3 * rows * rows;
}

export interface Offsets {
  parity: number[];
  di: number[];
  dj: number[];
}

function offsetsWithin(shape: Shape, reachCells: number, test: (parity: number, di: number, dj: number) => boolean): Offsets {
  const out: Offsets = { parity: [], di: [], dj: [] };
  const ki = Math.ceil(shape === 'SQUARE' ? reachCells : reachCells / 1.5) + 1;
  const kj = Math.ceil(shape === 'SQUARE' ? reachCells : reachCells / Math.sqrt(3)) + 1;
  for (const parity of parities(shape))
    for (let di = -ki; di <= ki; di++)
      for (let dj = -kj; dj <= kj; dj++)
        if (test(parity, di, dj)) {
          out.parity.push(parity);
          out.di.push(di);
          out.dj.push(dj);
        }
  return out;
}

/**
 * The cells whose centres lie within `distance` of a cell's centre (itself included), as
 * index offsets per column parity: Gi*'s binary weights wᵢⱼ = 1 exactly for these.
 */
export function neighbourOffsets(shape: Shape, size: number, distance: number): Offsets {
  const limit = 4 * (distance / size) ** 2 * (1 + TOLERANCE);
  return offsetsWithin(shape, distance / size, (parity, di, dj) => distance4(shape, parity, di, dj) <= limit);
}

/**
 * The cells that may hold an incident within `bandwidth` of a cell's centre: any point of
 * a square lies within half a side of its centre along each axis, any point of a hexagon
 * within s (its circumradius) of its centre. The exact kernel test follows in SQL.
 */
export function kernelOffsets(shape: Shape, size: number, bandwidth: number): Offsets {
  const h = (bandwidth / size) * (1 + TOLERANCE);
  return offsetsWithin(shape, h + 1, (parity, di, dj) => {
    if (shape === 'SQUARE') {
      const dx = Math.max(0, Math.abs(di) - 0.5);
      const dy = Math.max(0, Math.abs(dj) - 0.5);
      return dx * dx + dy * dy < h * h;
    }
    return Math.sqrt(distance4(shape, parity, di, dj)) / 2 < h + 1;
  });
}

export interface KernelOffsets {
  /** Parity of the incident's own column. */
  parity: number[];
  di: number[];
  dj: number[];
  /** The centre (i − di, j − dj) less the centre (i, j), metres. */
  dx: number[];
  dy: number[];
}

/**
 * kernelOffsets seen from an incident's cell: the centres (i − di, j − dj) it may lie
 * within `bandwidth` of, for each parity of its own column, with each centre's
 * displacement from its own cell's centre — so a pair costs two additions and two
 * products, and meets its centre by equality on the parity.
 */
export function kernelOffsetsFromCell(shape: Shape, size: number, bandwidth: number): KernelOffsets {
  const k = kernelOffsets(shape, size, bandwidth);
  const out: KernelOffsets = { parity: [], di: [], dj: [], dx: [], dy: [] };
  for (let n = 0; n < k.di.length; n++) {
    const target = k.parity[n]!;
    const di = k.di[n]!;
    const dj = k.dj[n]!;
    const own = shape === 'SQUARE' ? 0 : Math.abs(target + di) % 2;
    out.parity.push(own);
    out.di.push(di);
    out.dj.push(dj);
    out.dx.push(shape === 'SQUARE' ? -di * size : -di * 1.5 * size);
    out.dy.push(shape === 'SQUARE' ? -dj * size : (-dj + 0.5 * (target - own)) * Math.sqrt(3) * size);
  }
  return out;
}

/**
 * The SQL below reads the grid's constants from a one-row relation `k` (bound values, never
 * spliced into the text): k.s the cell size, k.w = 1.5·s the hexagon column width, k.h = √3·s
 * the hexagon row height.
 */
export const gridConstantsSql = (size: number): Sql =>
  sql`select ${size}::float8 as s, ${1.5 * size}::float8 as w, ${Math.sqrt(3) * size}::float8 as h`;

/** SQL expressions for a cell's centre from its indices (columns `i`, `j` of `alias`). */
export function centreSql(shape: Shape, alias: Sql): { x: Sql; y: Sql } {
  if (shape === 'SQUARE') return { x: sql`((${alias}.i + 0.5) * k.s)`, y: sql`((${alias}.j + 0.5) * k.s)` };
  return { x: sql`(${alias}.i * k.w)`, y: sql`((${alias}.j + 0.5 * (abs(${alias}.i) % 2)) * k.h)` };
}

/**
 * SQL selecting (i, j, x, y) of the cell each point of `points` (a column `p`, metric) falls
 * in, by arithmetic: no spatial join, one pass over the incidents. Squares by floor; a
 * hexagon is the one whose centre is nearest (hexagons are the Voronoi cells of their
 * centres), which lies in column floor(x / 1.5s) or the next; a point exactly between
 * two goes to the first column.
 */
export function assignSql(shape: Shape, points: Sql): Sql {
  if (shape === 'SQUARE')
    return sql`select floor(x / k.s)::int as i, floor(y / k.s)::int as j, x, y
            from (select ST_X(p) as x, ST_Y(p) as y from ${points}) pt, k`;
  const row = (col: Sql) => sql`round(y / k.h - 0.5 * (abs(${col}) % 2))::int`;
  const d2 = (col: Sql, r: Sql) => sql`(x - ${col} * k.w) ^ 2 + (y - (${r} + 0.5 * (abs(${col}) % 2)) * k.h) ^ 2`;
  const [i0, i1, j0, j1] = [sql`i0`, sql`(i0 + 1)`, sql`j0`, sql`j1`];
  return sql`select case when d0 <= d1 then i0 else i0 + 1 end as i, case when d0 <= d1 then j0 else j1 end as j, x, y
          from (
            select x, y, i0, j0, j1, ${d2(i0, j0)} as d0, ${d2(i1, j1)} as d1
            from (
              select x, y, i0, ${row(i0)} as j0, ${row(i1)} as j1
              from (select ST_X(p) as x, ST_Y(p) as y, floor(ST_X(p) / k.w)::int as i0 from ${points}, k) a, k
            ) b, k
          ) c`;
}

/** The polygon of cell (i, j) of `alias`, in the metric projection. */
export function cellPolygonSql(shape: Shape, alias: Sql): Sql {
  const polygon = shape === 'SQUARE' ? sql`ST_Square(k.s, ${alias}.i, ${alias}.j)` : sql`ST_Hexagon(k.s, ${alias}.i, ${alias}.j)`;
  return sql`ST_SetSRID(${polygon}, ${METRIC})`;
}

/** Area of one whole cell, m². */
export const cellArea = (shape: Shape, size: number) => (shape === 'SQUARE' ? size * size : ((3 * Math.sqrt(3)) / 2) * size * size);
