import type { EntityManager } from '@mikro-orm/postgresql';
import { geoJson, join, METRIC, query, type Sql, sql } from '../db/sql.js';
import { badInput } from '../graphql/errors.js';
import type { AppliedFilter } from '../incidents/incident-filter.js';
import type { VisitRules } from '../patrols/positions.service.js';
import { type Cell, hotspotMap } from './hotspot.service.js';
import { keptReachSql, type ReachPlan, reachPiecesSql } from './reach.js';

const DAY_MS = 86_400_000;
/** Coverage spans at most 31 days: a month of traces is already millions of fixes. */
export const MAX_COVERAGE_DAYS = 31;

export interface SiteCoverageRow {
  siteId: string;
  /** Brief: required = visits per day × days (of the site's active time in the window). */
  requiredVisits: number;
  achievedVisits: number;
  /** Brief: site compliance = visits achieved ÷ visits required; empty when none required. */
  compliance: number | null;
  /** Brief: dosage of a place = total visit minutes in the window. */
  dosageMinutes: number;
  /** Visits of 10–16 minutes (Koper 1995; Telep, Mitchell & Weisburd 2014). */
  koperCompliantVisits: number;
  lastVisitAt: Date | null;
  /** Brief: no visit for longer than 24 h ÷ required visits per day, at the end of the window. */
  overdue: boolean;
}

export interface ZoneCoverageRow {
  zoneId: string;
  areaSquareMetres: number;
  coveredSquareMetres: number;
  coveredShare: number;
}

export interface CellDosageRow {
  cell: Cell;
  dosageMinutes: number;
}

/** Refuses a window that is empty, reversed or longer than MAX_COVERAGE_DAYS; `at` prefixes the error paths. */
export function checkCoverageWindow(from: Date, to: Date, at = 'input.'): void {
  if (from >= to) throw badInput(`${at}from`, `must be before ${at}to`);
  if (to.getTime() - from.getTime() > MAX_COVERAGE_DAYS * DAY_MS)
    throw badInput(`${at}to`, `coverage spans at most ${MAX_COVERAGE_DAYS} days`);
}

export async function siteCoverage(em: EntityManager, area: string, from: Date, to: Date): Promise<SiteCoverageRow[]> {
  const where = geoJson(area);
  const sites = await query<{
    site_id: string;
    required: number;
    achieved: number;
    dosage: number;
    koper: number;
    last_visit_at: string | null;
    overdue: boolean;
  }>(
    em,
    sql`with chosen as (
          select s.*,
                 -- Days of the window the site was on the list.
                 greatest(extract(epoch from least(${to}::timestamptz, coalesce(s.active_to, 'infinity')) - greatest(${from}::timestamptz, s.active_from)), 0) / 86400 as days
          from sites s
          where s.archived_at is null and ST_Intersects(s.location, ${where})
        ),
        done as (
          select v.site_id, count(*)::int as achieved,
                 sum(extract(epoch from v.exited_at - v.entered_at)) / 60 as dosage,
                 count(*) filter (where v.exited_at - v.entered_at between interval '10 minutes' and interval '16 minutes')::int as koper
          from visits v join chosen c on c.id = v.site_id
          where v.entered_at >= ${from}::timestamptz and v.entered_at < ${to}::timestamptz
          group by v.site_id
        ),
        last as (
          select v.site_id, max(v.exited_at) as last_visit_at
          from visits v join chosen c on c.id = v.site_id
          where v.entered_at < ${to}::timestamptz
          group by v.site_id
        )
        select c.id as site_id, c.required_visits_per_day * c.days as required,
               coalesce(d.achieved, 0) as achieved, coalesce(d.dosage, 0) as dosage, coalesce(d.koper, 0) as koper,
               l.last_visit_at,
               c.required_visits_per_day > 0 and c.active_from < ${to}::timestamptz
                 and ${to}::timestamptz - coalesce(l.last_visit_at, c.active_from) > interval '24 hours' / c.required_visits_per_day as overdue
        from chosen c left join done d on d.site_id = c.id left join last l on l.site_id = c.id
        order by c.name, c.id`,
  );
  return sites.map((s) => ({
    siteId: s.site_id,
    requiredVisits: Number(s.required),
    achievedVisits: s.achieved,
    compliance: Number(s.required) > 0 ? s.achieved / Number(s.required) : null,
    dosageMinutes: Number(s.dosage),
    koperCompliantVisits: s.koper,
    lastVisitAt: s.last_visit_at ? new Date(s.last_visit_at) : null,
    overdue: Boolean(s.overdue),
  }));
}

/**
 * The zones a coverage report measures (those meeting the area, GeoJSON in WGS84), and the
 * box around them (WGS84) within which fixes and kept reach can reach them: ST_Extent gives
 * a box without an SRID; 0.01° ≈ 700 m of margin.
 */
export function zonesBox(area: string): Sql {
  return sql`(select ST_SetSRID(ST_Expand(ST_Extent(z.boundary)::geometry, 0.01), 4326) from patrol_zones z where ST_Intersects(z.boundary, ${geoJson(area)}))`;
}

/**
 * Per patrol zone meeting the area: its area and the share of it the units' reach covered
 * in the window (brief, area definition: within r metres of a unit's path, the path joining
 * consecutive fixes less than g apart; a step counts when it ends in the window).
 *
 * `plan` (reach.ts planReach) says which of it is kept (days, hours and spans of hours,
 * filled on the primary beforehand: fillReach) and which is buffered now: the part-hours
 * at the window's ends and what has not settled yet.
 */
export async function zoneCoverage(em: EntityManager, rules: VisitRules, area: string, plan: ReachPlan): Promise<ZoneCoverageRow[]> {
  const box = sql`(select box from extent)`;
  const parts = [
    ...plan.live.map(([from, to]) => reachPiecesSql(rules, { from, to, box })),
    keptReachSql(plan, sql`ST_Transform(${box}, ${METRIC})`),
  ].filter((part): part is Sql => part !== null);
  const zones = await query<{ zone_id: string; area: number; covered: number }>(
    em,
    sql`with chosen as (
          select z.id, z.boundary_bng from patrol_zones z where ST_Intersects(z.boundary, ${geoJson(area)})
        ),
        extent as materialized (
          select ST_SetSRID(ST_Expand(ST_Extent(boundary)::geometry, 0.01), 4326) as box from patrol_zones where id in (select id from chosen)
        ),
        parts as (${parts.length ? join(parts, '\n union all \n') : sql`select null::geometry as g where false`}),
        -- Materialized: computed once. Inlined, the planner may rebuild it for every zone (with
        -- stale statistics PGlite did, 34 times: a day's coverage took 18 s instead of 0.6 s).
        -- Only the pieces meeting a zone: the box around the zones holds many that meet none
        -- (units of the next borough), and the union is the costliest step of a kept window.
        reach as materialized (
          select coalesce(ST_Union(p.g), ST_SetSRID('POLYGON EMPTY'::geometry, ${METRIC})) as g
          from parts p
          where exists (select 1 from chosen c where ST_Intersects(c.boundary_bng, p.g))
        )
        select c.id as zone_id, ST_Area(c.boundary_bng) as area,
               coalesce(ST_Area(ST_Intersection(c.boundary_bng, r.g)), 0) as covered
        from chosen c cross join reach r
        order by c.id`,
  );
  return zones.map((z) => ({
    zoneId: z.zone_id,
    areaSquareMetres: z.area,
    coveredSquareMetres: z.covered,
    coveredShare: z.area > 0 ? z.covered / z.area : 0,
  }));
}

/** The hot-spot map a coverage report doses: the 28 days before the window, over the report's area. */
export const DOSAGE_MAP_DAYS = 28;

/**
 * Minutes the units spent in each hot-spot cell of the area: the hot spots (Gi*, 250 m,
 * HOT_95 or hotter) of `filter` (the report's incidents over the 28 days before the window,
 * in its area) — the map a planner would have sent the patrols to — and the minutes units
 * spent in each cell, each fix counting until the next one (at most g).
 */
export async function hotspotDosage(
  em: EntityManager,
  rules: VisitRules,
  filter: AppliedFilter,
  window: { from: Date; to: Date },
  area: string,
): Promise<CellDosageRow[]> {
  const map = await hotspotMap(em, filter, { cellSize: 250, method: 'GI_STAR' }, 'input.incidents');
  const hot = map.cells.filter((c) => c.confidence === 'HOT_99' || c.confidence === 'HOT_95');
  if (hot.length === 0) return [];
  // The cells of hotspotMap: 250 m squares of the metric projection.
  const cellOf = (axis: Sql) => sql`floor(${axis}(ST_Transform(p.location, ${METRIC})) / 250)::int`;
  const dosage = await query<{ i: number; j: number; minutes: number }>(
    em,
    sql`with fixes as (
          select ${cellOf(sql`ST_X`)} as i, ${cellOf(sql`ST_Y`)} as j,
                 extract(epoch from least(lead(p.recorded_at) over (partition by p.unit_id order by p.recorded_at) - p.recorded_at,
                                          make_interval(secs => ${rules.gapSeconds}::float8))) as seconds
          from positions p
          where p.recorded_at >= ${window.from}::timestamptz and p.recorded_at < ${window.to}::timestamptz and ST_Intersects(p.location, ${geoJson(area)})
        )
        select i, j, sum(seconds) / 60 as minutes from fixes where seconds is not null group by i, j`,
  );
  const minutes = new Map(dosage.map((d) => [`s250:${d.i}:${d.j}`, Number(d.minutes)]));
  return hot.map((cell) => ({ cell, dosageMinutes: minutes.get(cell.id) ?? 0 }));
}
