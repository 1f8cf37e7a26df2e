import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../graphql/errors.js';
import type { AppliedFilter } from '../incidents/incident-filter.js';
import type { VisitRules } from '../patrols/positions.service.js';
import { type Cell, hotspotMap } from './hotspot.service.js';
import { fillReach, reachPiecesSql, settledDays } from './reach.js';

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

const areaSql = 'ST_SetSRID(ST_GeomFromGeoJSON(?), 4326)';

/**
 * Per site in the area (GeoJSON, WGS84): visits required and achieved over the window,
 * dosage, Koper-compliant visits, last visit, overdue. Visits come from the visits table,
 * kept up to date as positions arrive (not recomputed here).
 */
export async function siteCoverage(em: EntityManager, area: string, from: Date, to: Date): Promise<SiteCoverageRow[]> {
  const sites = await em.execute<
    { site_id: string; required: number; achieved: number; dosage: number; koper: number; last_visit_at: Date | null; overdue: boolean }[]
  >(
    `with chosen as (
       select s.*,
              -- Days of the window the site was on the list.
              greatest(extract(epoch from least(?::timestamptz, coalesce(s.active_to, 'infinity')) - greatest(?::timestamptz, s.active_from)), 0) / 86400 as days
       from sites s
       where s.archived_at is null and ST_Intersects(s.location, ${areaSql})
     ),
     done as (
       select v.site_id, count(*)::int as achieved,
              sum(extract(epoch from v.exited_at - v.entered_at)) / 60 as dosage,
              count(*) filter (where v.exited_at - v.entered_at between interval '10 minutes' and interval '16 minutes')::int as koper
       from visits v join chosen c on c.id = v.site_id
       where v.entered_at >= ? and v.entered_at < ?
       group by v.site_id
     ),
     last as (
       select v.site_id, max(v.exited_at) as last_visit_at
       from visits v join chosen c on c.id = v.site_id
       where v.entered_at < ?
       group by v.site_id
     )
     select c.id as site_id, c.required_visits_per_day * c.days as required,
            coalesce(d.achieved, 0) as achieved, coalesce(d.dosage, 0) as dosage, coalesce(d.koper, 0) as koper,
            l.last_visit_at,
            c.required_visits_per_day > 0 and c.active_from < ?
              and ?::timestamptz - coalesce(l.last_visit_at, c.active_from) > interval '24 hours' / c.required_visits_per_day as overdue
     from chosen c left join done d on d.site_id = c.id left join last l on l.site_id = c.id
     order by c.name, c.id`,
    [to, from, area, from, to, to, to, to],
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
 * Per patrol zone meeting the area: its area and the share of it the units' reach covered
 * in the window (brief, area definition: within r metres of a unit's path, the path joining
 * consecutive fixes less than g apart; a step counts when it ends in the window).
 *
 * Settled days come from the reach kept per unit and day (analytics/reach.ts), computed on
 * first use; the hours around them, and the last hours, are buffered now.
 */
export async function zoneCoverage(
  em: EntityManager,
  rules: VisitRules,
  area: string,
  from: Date,
  to: Date,
  now = new Date(),
): Promise<ZoneCoverageRow[]> {
  const settled = settledDays(from, to, now);
  if (settled) await fillReach(em, rules, settled.first, settled.end);
  const fresh = (
    settled
      ? [
          [from, settled.first],
          [settled.end, to],
        ]
      : [[from, to]]
  ).filter(([a, b]) => a! < b!) as [Date, Date][];
  // Fixes near the chosen zones only (ST_Extent gives a box without an SRID; 0.01° ≈ 700 m of margin).
  const box = '(select box from extent)';
  const parts = [
    ...fresh.map(([a, b]) => reachPiecesSql(rules, { from: a, to: b, box })),
    ...(settled
      ? [
          `select r.reach as g from patrol_reach r
           where r.day >= '${settled.first.toISOString().slice(0, 10)}'::date and r.day < '${settled.end.toISOString().slice(0, 10)}'::date
             and r.reach && ST_Transform((select box from extent), 27700)`,
        ]
      : []),
  ];
  const zones = await em.execute<{ zone_id: string; area: number; covered: number }[]>(
    `with chosen as (
       select z.id, z.boundary_bng from patrol_zones z where ST_Intersects(z.boundary, ${areaSql})
     ),
     extent as materialized (
       select ST_SetSRID(ST_Expand(ST_Extent(boundary)::geometry, 0.01), 4326) as box from patrol_zones where id in (select id from chosen)
     ),
     parts as (${parts.length ? parts.join('\n union all \n') : 'select null::geometry as g where false'}),
     -- Materialized: computed once. Inlined, the planner may rebuild it for every zone (with
     -- stale statistics PGlite did, 34 times: a day's coverage took 18 s instead of 0.6 s).
     reach as materialized (
       select coalesce(ST_Union(g), ST_SetSRID('POLYGON EMPTY'::geometry, 27700)) as g from parts
     )
     select c.id as zone_id, ST_Area(c.boundary_bng) as area,
            coalesce(ST_Area(ST_Intersection(c.boundary_bng, r.g)), 0) as covered
     from chosen c cross join reach r
     order by c.id`,
    [area],
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
  srid: number,
  rules: VisitRules,
  filter: AppliedFilter,
  window: { from: Date; to: Date },
  area: string,
): Promise<CellDosageRow[]> {
  const map = await hotspotMap(em, srid, filter, { cellSize: 250, method: 'GI_STAR' }, 'input.incidents');
  const hot = map.cells.filter((c) => c.confidence === 'HOT_99' || c.confidence === 'HOT_95');
  if (hot.length === 0) return [];
  const dosage = await em.execute<{ i: number; j: number; minutes: number }[]>(
    `with fixes as (
       select floor(ST_X(ST_Transform(p.location, ${srid})) / 250)::int as i, floor(ST_Y(ST_Transform(p.location, ${srid})) / 250)::int as j,
              extract(epoch from least(lead(p.recorded_at) over (partition by p.unit_id order by p.recorded_at) - p.recorded_at, ?::interval)) as seconds
       from positions p
       where p.recorded_at >= ? and p.recorded_at < ? and ST_Intersects(p.location, ${areaSql})
     )
     select i, j, sum(seconds) / 60 as minutes from fixes where seconds is not null group by i, j`,
    [`${rules.gapSeconds} seconds`, window.from, window.to, area],
  );
  const minutes = new Map(dosage.map((d) => [`s250:${d.i}:${d.j}`, Number(d.minutes)]));
  return hot.map((cell) => ({ cell, dosageMinutes: minutes.get(cell.id) ?? 0 }));
}
