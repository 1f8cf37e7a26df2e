/**
 * The bench's own SQL for the analyses, run through `pg` as the raw baselines: the same
 * measures the API computes (see server/src/analytics), written as one would by hand.
 */

/**
 * Getis–Ord Gi* on 250 m squares of British National Grid over an area, in one statement:
 * incidents per cell, every cell of the grid over the area (zeros included), binary weights
 * over the 3 × 3 block (the API's default neighbourhood, 1.5 × cellSize, reaches exactly
 * those centres), G*ᵢ = (Σⱼ wᵢⱼxⱼ − X̄ Σⱼ wᵢⱼ) ÷ (S √{[n Σⱼ wᵢⱼ² − (Σⱼ wᵢⱼ)²] ÷ (n−1)}),
 * each cell with its WGS84 polygon as GeoJSON and its confidence bin.
 * Parameters: $1 area (GeoJSON), $2 from, $3 to.
 */
export const GI_STAR_SQL = `
  with area as (select ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) as wgs84),
  metric as (select ST_Transform(wgs84, 27700) as g, wgs84 from area),
  counts as (
    select floor(ST_X(i.location_bng) / 250)::int as i, floor(ST_Y(i.location_bng) / 250)::int as j, count(*)::int as n
    from incidents i, metric
    where i.occurred_at >= $2 and i.occurred_at < $3 and ST_Intersects(i.location, metric.wgs84)
    group by 1, 2
  ),
  cells as (select c.i, c.j, c.geom from metric, ST_SquareGrid(250, metric.g) c where ST_Intersects(c.geom, metric.g)),
  scored as (select c.i, c.j, c.geom, coalesce(n.n, 0) as n from cells c left join counts n using (i, j)),
  stats as (select count(*)::float8 as cnt, avg(n) as xbar, sqrt(greatest(avg(n::float8 ^ 2) - avg(n::float8) ^ 2, 0)) as s from scored),
  neighbours as (
    select a.i, a.j, sum(b.n)::float8 as wx, count(*)::float8 as w
    from scored a join scored b on b.i between a.i - 1 and a.i + 1 and b.j between a.j - 1 and a.j + 1
    group by a.i, a.j
  ),
  z as (
    select s.i, s.j, s.n, s.geom, nb.wx,
           case when st.s = 0 or st.cnt < 2 or st.cnt * nb.w - nb.w ^ 2 <= 0 then null
                else (nb.wx - st.xbar * nb.w) / (st.s * sqrt((st.cnt * nb.w - nb.w ^ 2) / (st.cnt - 1))) end as z
    from scored s join neighbours nb using (i, j) cross join stats st
  )
  select i, j, n, wx, z,
         case when z > 2.58 then 'HOT_99' when z > 1.96 then 'HOT_95' when z > 1.65 then 'HOT_90'
              when z < -2.58 then 'COLD_99' when z < -1.96 then 'COLD_95' when z < -1.65 then 'COLD_90'
              else 'NOT_SIGNIFICANT' end as confidence,
         ST_AsGeoJSON(ST_Transform(geom, 4326), 7) as geometry
  from z order by i, j`;

/**
 * Site coverage over a window (the API's definitions): per site in the area, visits
 * achieved, dosage, Koper-compliant visits, last visit, required visits and overdue.
 * Parameters: $1 area (GeoJSON), $2 from, $3 to.
 */
export const SITE_COVERAGE_SQL = `
  with chosen as (
    select s.*, greatest(extract(epoch from least($3::timestamptz, coalesce(s.active_to, 'infinity')) - greatest($2::timestamptz, s.active_from)), 0) / 86400 as days
    from sites s
    where s.archived_at is null and ST_Intersects(s.location, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))
  ),
  done as (
    select v.site_id, count(*)::int as achieved, sum(extract(epoch from v.exited_at - v.entered_at)) / 60 as dosage,
           count(*) filter (where v.exited_at - v.entered_at between interval '10 minutes' and interval '16 minutes')::int as koper
    from visits v join chosen c on c.id = v.site_id
    where v.entered_at >= $2 and v.entered_at < $3
    group by v.site_id
  ),
  last as (
    select v.site_id, max(v.exited_at) as last_visit_at from visits v join chosen c on c.id = v.site_id where v.entered_at < $3 group by v.site_id
  )
  select c.id, c.name, c.required_visits_per_day, c.required_visits_per_day * c.days as required,
         coalesce(d.achieved, 0) as achieved, coalesce(d.dosage, 0) as dosage, coalesce(d.koper, 0) as koper, l.last_visit_at,
         c.required_visits_per_day > 0 and c.active_from < $3
           and $3::timestamptz - coalesce(l.last_visit_at, c.active_from) > interval '24 hours' / c.required_visits_per_day as overdue
  from chosen c left join done d on d.site_id = c.id left join last l on l.site_id = c.id
  order by c.name, c.id`;

/**
 * Zone coverage (area definition): the share of each zone in the area within r metres of a
 * unit's path in the window, the path joining consecutive fixes less than g apart; the
 * path buffered in pieces and unioned. Parameters: $1 area, $2 from, $3 to, $4 r (m), $5 g (s).
 */
export const ZONE_COVERAGE_SQL = `
  with chosen as (
    select z.id, z.name, z.boundary_bng from patrol_zones z where ST_Intersects(z.boundary, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))
  ),
  fixes as (
    select p.unit_id, p.recorded_at, ST_Transform(p.location, 27700) as pt,
           lag(p.recorded_at) over w as prev_at, lag(ST_Transform(p.location, 27700)) over w as prev_pt, row_number() over w as k
    from positions p
    where p.recorded_at >= $2 and p.recorded_at < $3
      and ST_Intersects(p.location, ST_SetSRID(ST_Expand((select ST_Extent(boundary) from patrol_zones where id in (select id from chosen))::geometry, 0.01), 4326))
    window w as (partition by p.unit_id order by p.recorded_at)
  ),
  pieces as (
    select ST_Buffer(ST_Collect(ST_LineMerge(ST_Collect(ST_MakeLine(prev_pt, pt))), ST_Collect(pt) filter (where ST_Equals(prev_pt, pt))), $4, 'quad_segs=8') as g
    from fixes where prev_at is not null and recorded_at - prev_at < make_interval(secs => $5)
    group by unit_id, k / 64
  ),
  reach as materialized (select coalesce(ST_Union(g), ST_SetSRID('POLYGON EMPTY'::geometry, 27700)) as g from pieces)
  select c.id, c.name, ST_Area(c.boundary_bng) as area, coalesce(ST_Area(ST_Intersection(c.boundary_bng, r.g)), 0) as covered
  from chosen c cross join reach r order by c.id`;

/**
 * Minutes units spent in each 250 m cell in the window, each fix counting until the next
 * (at most g). Parameters: $1 area, $2 from, $3 to, $4 g (s).
 */
export const CELL_DOSAGE_SQL = `
  with fixes as (
    select floor(ST_X(ST_Transform(p.location, 27700)) / 250)::int as i, floor(ST_Y(ST_Transform(p.location, 27700)) / 250)::int as j,
           extract(epoch from least(lead(p.recorded_at) over (partition by p.unit_id order by p.recorded_at) - p.recorded_at, make_interval(secs => $4))) as seconds
    from positions p
    where p.recorded_at >= $2 and p.recorded_at < $3 and ST_Intersects(p.location, ST_SetSRID(ST_GeomFromGeoJSON($1), 4326))
  )
  select i, j, sum(seconds) / 60 as minutes from fixes where seconds is not null group by i, j`;

/**
 * Getis–Ord Gi* on hexagons of edge $4 metres (ST_HexagonGrid, flat-topped) over an area,
 * in one statement written plainly: each incident to the hexagon whose centre is nearest
 * (columns 1.5·s apart, rows √3·s, odd columns half a row up), every hexagon of the grid
 * over the area, binary weights over a cell and its 6 touching cells (the API's default
 * neighbourhood, 1.5·√3·s, reaches exactly those), the formula as in GI_STAR_SQL.
 * Parameters: $1 area (GeoJSON), $2 from, $3 to, $4 edge (m).
 */
export const HEX_GI_STAR_SQL = `
  with area as (select ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) as wgs84),
  metric as (select ST_Transform(wgs84, 27700) as g, wgs84 from area),
  pts as (
    select i.id, ST_X(i.location_bng) as x, ST_Y(i.location_bng) as y, floor(ST_X(i.location_bng) / (1.5 * $4::float8))::int as c
    from incidents i, metric
    where i.occurred_at >= $2 and i.occurred_at < $3 and ST_Intersects(i.location, metric.wgs84)
  ),
  candidates as (
    select id, x, y, c + d as i, round(y / (sqrt(3) * $4::float8) - 0.5 * (abs(c + d) % 2))::int as j
    from pts, (values (0), (1)) as dd(d)
  ),
  nearest as (
    select distinct on (id) i, j from candidates
    order by id, (x - i * 1.5 * $4::float8) ^ 2 + (y - (j + 0.5 * (abs(i) % 2)) * sqrt(3) * $4::float8) ^ 2, i
  ),
  counts as (select i, j, count(*)::int as n from nearest group by i, j),
  cells as materialized (select c.i, c.j, c.geom, ST_Intersects(c.geom, metric.g) as meets from metric, ST_HexagonGrid($4, metric.g) c),
  scored as materialized (select c.i, c.j, c.geom, coalesce(n.n, 0) as n from cells c left join counts n using (i, j) where c.meets),
  stats as materialized (select count(*)::float8 as cnt, avg(n) as xbar, sqrt(greatest(avg(n::float8 ^ 2) - avg(n::float8) ^ 2, 0)) as s from scored),
  ring(parity, di, dj) as (values (0, 0, 0), (0, 0, -1), (0, 0, 1), (0, -1, -1), (0, -1, 0), (0, 1, -1), (0, 1, 0),
                                  (1, 0, 0), (1, 0, -1), (1, 0, 1), (1, -1, 0), (1, -1, 1), (1, 1, 0), (1, 1, 1)),
  neighbours as (
    select a.i, a.j, sum(b.n)::float8 as wx, count(*)::float8 as w
    from scored a join ring r on r.parity = abs(a.i) % 2 join scored b on b.i = a.i + r.di and b.j = a.j + r.dj
    group by a.i, a.j
  ),
  z as (
    select s.i, s.j, s.n, s.geom, nb.wx,
           case when st.s = 0 or st.cnt < 2 or st.cnt * nb.w - nb.w ^ 2 <= 0 then null
                else (nb.wx - st.xbar * nb.w) / (st.s * sqrt((st.cnt * nb.w - nb.w ^ 2) / (st.cnt - 1))) end as z
    from scored s join neighbours nb using (i, j) cross join stats st
  )
  select i, j, n, wx, z,
         case when z > 2.58 then 'HOT_99' when z > 1.96 then 'HOT_95' when z > 1.65 then 'HOT_90'
              when z < -2.58 then 'COLD_99' when z < -1.96 then 'COLD_95' when z < -1.65 then 'COLD_90'
              else 'NOT_SIGNIFICANT' end as confidence,
         ST_AsGeoJSON(ST_Transform(geom, 4326), 7) as geometry
  from z order by i, j`;

/**
 * Quartic KDE on 250 m squares with a 500 m bandwidth over an area, in one statement
 * written plainly: f(c) = Σ_{d<h} 3/(π h²)·(1 − d²/h²)² per km² at each cell centre, the
 * incidents met through the 5 × 5 block of cells around it (equality on both indices),
 * each cell with its polygon. Parameters: $1 area (GeoJSON), $2 from, $3 to.
 */
export const KDE_SQL = `
  with area as (select ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) as wgs84),
  metric as (select ST_Transform(wgs84, 27700) as g, wgs84 from area),
  pts as materialized (
    select ST_X(i.location_bng) as x, ST_Y(i.location_bng) as y,
           floor(ST_X(i.location_bng) / 250)::int as i, floor(ST_Y(i.location_bng) / 250)::int as j
    from incidents i, metric
    where i.occurred_at >= $2 and i.occurred_at < $3 and ST_Intersects(i.location, metric.wgs84)
  ),
  cells as materialized (select c.i, c.j, c.geom, ST_Intersects(c.geom, metric.g) as meets from metric, ST_SquareGrid(250, metric.g) c),
  centres as materialized (select i, j, geom, (i + 0.5) * 250 as x, (j + 0.5) * 250 as y from cells where meets),
  density as (
    select c.i, c.j, sum((1 - ((c.x - p.x) ^ 2 + (c.y - p.y) ^ 2) / 250000.0) ^ 2) as k
    from centres c cross join generate_series(-2, 2) di cross join generate_series(-2, 2) dj
    join pts p on p.i = c.i + di and p.j = c.j + dj
    where (c.x - p.x) ^ 2 + (c.y - p.y) ^ 2 < 250000.0
    group by c.i, c.j
  )
  select c.i, c.j, coalesce(d.k, 0) * 3 / (pi() * 250000.0) * 1e6 as value, ST_AsGeoJSON(ST_Transform(c.geom, 4326), 7) as geometry
  from centres c left join density d using (i, j) order by c.i, c.j`;
