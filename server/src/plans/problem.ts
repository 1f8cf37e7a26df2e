import type { EntityManager } from '@mikro-orm/postgresql';
import { resolveArea } from '../analytics/area.js';
import { hotCells, hotspotMap } from '../analytics/hotspot.service.js';
import type { Point } from '../db/geometry.js';
import { metric, query, sql, unionOf } from '../db/sql.js';
import { badInput, checkId } from '../graphql/errors.js';
import { checkCategories } from '../incidents/categories.js';
import { civilTwilight } from '../incidents/darkness.js';
import { DarknessFilter } from '../incidents/incident.inputs.js';
import { listIncidents } from '../incidents/incident.service.js';
import { applyFilter } from '../incidents/incident-filter.js';
import { Operation } from '../operations/operation.entity.js';
import { ActivityKind } from '../patrols/activity.entity.js';
import { PatrolUnit } from '../patrols/patrol-unit.entity.js';
import { Visit } from '../patrols/visit.entity.js';
import { checkPoint, checkWindow } from '../shared/geometry-validation.js';
import { Site } from '../sites/site.entity.js';
import type { PatrolPlanInput } from './plan.inputs.js';
import { StartSource, UnplannedReason } from './plan.types.js';
import {
  DEFAULT_DWELL_MINUTES,
  DOSAGE_SLOT_STEP_MINUTES,
  DOSAGE_SLOT_WIDTH_MINUTES,
  DOSAGE_WEIGHT,
  MAX_PLAN_HOURS,
  OPERATION_PRIORITY_FACTOR,
  RISK_WEIGHT,
  spacingSeconds,
  type TravelProfile,
} from './rules.js';
import type { Problem, SolverTask } from './solver.js';
import { loadStreetNetwork, streetTravel } from './street-graph.js';
import { type Place, straightLineTravel, TravelMethod, type TravelModel } from './travel.js';

const DAY_MS = 86_400_000;
const s = (d: Date) => Math.round(d.getTime() / 1000);

/** What a task is, beyond what the solver needs: for the plan's stops and reasons. */
export interface TaskInfo {
  site: Site | null;
  cellId: string | null;
  placeName: string;
  location: Point;
  activity: ActivityKind;
  visitNumber: number;
  visitsPlanned: number;
  why: string;
}

/** A visit left out before solving (its window is empty), with its reason. */
export interface EarlyUnplanned {
  info: TaskInfo;
  reason: UnplannedReason;
  message: string;
  windowFrom: number;
  windowTo: number;
}

export interface PlanUnit {
  unit: PatrolUnit;
  start: Point;
  startSource: StartSource;
  profile: TravelProfile;
  hasZones: boolean;
}

export interface PlanProblem {
  input: PatrolPlanInput;
  from: Date;
  to: Date;
  startsAt: Date;
  units: PlanUnit[];
  places: Place[];
  travel: TravelModel;
  problem: Problem;
  info: TaskInfo[];
  early: EarlyUnplanned[];
  /** Times to split the shift at for the lower bound (the spread parts). */
  partitions: number[][];
  requiredVisits: number;
  notes: string[];
}

const timeFormat = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit' });
/** London clock time of epoch seconds, e.g. 14:05. */
export const clock = (seconds: number) => timeFormat.format(new Date(seconds * 1000));

function profileOf(unit: PatrolUnit): TravelProfile {
  return unit.kind as TravelProfile;
}

/** Checks the request and loads what a plan needs; refuses bad input with the field, before any work. */
async function checkRequest(em: EntityManager, input: PatrolPlanInput): Promise<{ units: PatrolUnit[]; startsAt: Date }> {
  checkWindow(input.from, input.to, ['input.from', 'input.to']);
  if (input.to.getTime() - input.from.getTime() > MAX_PLAN_HOURS * 3600_000)
    throw badInput('input.to', `a plan covers one shift: at most ${MAX_PLAN_HOURS} hours after input.from`);
  const ids = input.unitIds.map((id, i) => checkId(`input.unitIds[${i}]`, id));
  const duplicate = ids.findIndex((id, i) => ids.slice(0, i).includes(id));
  if (duplicate >= 0) throw badInput(`input.unitIds[${duplicate}]`, `unit ${ids[duplicate]} is listed twice`);
  const found = await em.find(PatrolUnit, { id: { $in: ids } });
  const missing = ids.findIndex((id) => !found.some((u) => u.id === id));
  if (missing >= 0) throw badInput(`input.unitIds[${missing}]`, `no patrol unit ${ids[missing]}`);
  const units = ids.map((id) => found.find((u) => u.id === id)!);
  let startsAt = input.from;
  if (input.replanAt) {
    if (input.replanAt < input.from || input.replanAt >= input.to)
      throw badInput('input.replanAt', `must fall within the shift (${input.from.toISOString()} to ${input.to.toISOString()})`);
    startsAt = input.replanAt;
  }
  if (input.startAt !== undefined && input.startAt !== null) checkPoint('input.startAt', input.startAt);
  if (input.operationId) {
    const id = checkId('input.operationId', input.operationId);
    if (!(await em.count(Operation, { id }))) throw badInput('input.operationId', `no operation ${id}`);
  }
  for (const [i, w] of (input.visitWindows ?? []).entries()) {
    checkId(`input.visitWindows[${i}].siteId`, w.siteId);
    checkWindow(w.from, w.to, [`input.visitWindows[${i}].from`, `input.visitWindows[${i}].to`]);
  }
  if (input.dosage?.filter) {
    const f = input.dosage.filter;
    if (f.categories?.length) checkCategories('input.dosage.filter.categories', f.categories);
    if (f.from && f.to) checkWindow(f.from, f.to, ['input.dosage.filter.from', 'input.dosage.filter.to']);
  }
  return { units, startsAt };
}

interface SiteRow {
  id: string;
  lon: number;
  lat: number;
  unit_ids: string[];
}

/**
 * Builds the plan's problem: the units and where they start, the visits the sites in their
 * zones need (and the hot-spot dosage asked for), the places and the travel between them.
 */
export async function buildPlanProblem(em: EntityManager, input: PatrolPlanInput): Promise<PlanProblem> {
  const { units, startsAt } = await checkRequest(em, input);
  const unitIds = units.map((u) => u.id);
  const notes: string[] = [];
  const from = s(startsAt);
  const to = s(input.to);
  const dwell = (input.dwellMinutes ?? DEFAULT_DWELL_MINUTES) * 60;

  // Sites on the list during the shift inside any zone of the units, each once, with the
  // units whose zones hold it (a site in two zones is one site).
  const rows = await query<SiteRow>(
    em,
    sql`select s.id, ST_X(s.location) as lon, ST_Y(s.location) as lat,
            array_agg(distinct zu.patrol_unit_id::text order by zu.patrol_unit_id::text) as unit_ids
     from sites s
     join patrol_zones z on ST_Intersects(z.boundary, s.location)
     join patrol_zone_units zu on zu.patrol_zone_id = z.id and zu.patrol_unit_id = any(${unitIds}::uuid[])
     where s.archived_at is null and s.required_visits_per_day > 0
       and s.active_from < ${input.to} and (s.active_to is null or s.active_to > ${startsAt})
     group by s.id order by s.id`,
  );
  const sites = rows.length ? await em.find(Site, { id: { $in: rows.map((r) => r.id) } }, { orderBy: { id: 'asc' } }) : [];
  const siteById = new Map(sites.map((site) => [site.id, site]));
  const zoned = new Set(
    (
      await query<{ unit_id: string }>(
        em,
        sql`select distinct patrol_unit_id::text as unit_id from patrol_zone_units where patrol_unit_id = any(${unitIds}::uuid[])`,
      )
    ).map((r) => r.unit_id),
  );
  for (const u of units) if (!zoned.has(u.id)) notes.push(`${u.callSign} has no patrol zone: no sites or hot spots to plan for it.`);

  // Visits already made since the shift began count against the plan (re-planning).
  const made = new Map<string, Date[]>();
  if (startsAt > input.from && sites.length) {
    const visits = await em.find(
      Visit,
      { site: { $in: sites.map((x) => x.id) }, enteredAt: { $gte: input.from, $lt: startsAt } },
      { orderBy: { enteredAt: 'asc' } },
    );
    for (const v of visits) made.set(v.site.id, [...(made.get(v.site.id) ?? []), v.enteredAt]);
    if (visits.length) notes.push(`${visits.length} visits detected since ${clock(s(input.from))} count against the plan.`);
  }

  // Priorities: the operation asked for, or every one running at the shift start.
  const operations = input.operationId
    ? await em.find(Operation, { id: input.operationId.toLowerCase() })
    : await em.find(
        Operation,
        { startsAt: { $lte: input.from }, $or: [{ endsAt: null }, { endsAt: { $gt: input.from } }] },
        { orderBy: { startsAt: 'desc' } },
      );
  for (const op of operations)
    notes.push(
      `Priorities from ${op.name}: ${[...op.priorityCommunities, ...op.prioritySiteKinds.map((k) => k.toLowerCase().replace('_', ' '))].join(', ') || 'none named'}.`,
    );

  const places: { longitude: number; latitude: number }[] = [];
  const placeIndex = new Map<string, number>();
  const placeOf = (lon: number, lat: number) => {
    const key = `${lon.toFixed(7)},${lat.toFixed(7)}`;
    let i = placeIndex.get(key);
    if (i === undefined) {
      i = places.length;
      places.push({ longitude: lon, latitude: lat });
      placeIndex.set(key, i);
    }
    return i;
  };

  // Where each unit starts.
  const planUnits: PlanUnit[] = [];
  const lastFixes = await query<{ unit_id: string; lon: number; lat: number }>(
    em,
    sql`select u.id::text as unit_id, ST_X(p.location) as lon, ST_Y(p.location) as lat
     from unnest(${unitIds}::uuid[]) as u(id)
     cross join lateral (select location from positions where unit_id = u.id and recorded_at <= ${startsAt} order by recorded_at desc limit 1) p`,
  );
  const zoneCentres = await query<{ unit_id: string | null; lon: number; lat: number }>(
    em,
    sql`select zu.patrol_unit_id::text as unit_id, ST_X(c) as lon, ST_Y(c) as lat
     from (select zu.patrol_unit_id, ST_PointOnSurface(${unionOf(sql`z.boundary`)}) as c
           from patrol_zone_units zu join patrol_zones z on z.id = zu.patrol_zone_id
           where zu.patrol_unit_id = any(${unitIds}::uuid[]) group by zu.patrol_unit_id) zu
     union all
     select null, ST_X(c), ST_Y(c) from (select ST_PointOnSurface(${unionOf(sql`boundary`)}) as c from patrol_zones) a where c is not null`,
  );
  for (const unit of units) {
    let start: Point | null = null;
    let source = StartSource.GIVEN;
    if (input.startAt) start = checkPoint('input.startAt', input.startAt);
    else {
      const fix = lastFixes.find((f) => f.unit_id === unit.id);
      const centre = zoneCentres.find((c) => c.unit_id === unit.id) ?? zoneCentres.find((c) => c.unit_id === null);
      if (fix) {
        start = { type: 'Point', coordinates: [fix.lon, fix.lat] };
        source = StartSource.LAST_FIX;
      } else if (centre) {
        start = { type: 'Point', coordinates: [centre.lon, centre.lat] };
        source = StartSource.ZONES;
      } else throw badInput('input.startAt', `${unit.callSign} has no fix and there are no zones: say where it starts`);
    }
    planUnits.push({ unit, start, startSource: source, profile: profileOf(unit), hasZones: zoned.has(unit.id) });
  }
  const startPlaces = planUnits.map((u) => placeOf(u.start.coordinates[0], u.start.coordinates[1]));
  const unitIndex = new Map(units.map((u, i) => [u.id, i]));

  // Site visits.
  const tasks: SolverTask[] = [];
  const info: TaskInfo[] = [];
  const early: EarlyUnplanned[] = [];
  const partitions = new Map<number, number[]>();
  let requiredVisits = 0;
  const stated = new Map<string, { from: Date; to: Date; index: number }[]>();
  for (const [index, w] of (input.visitWindows ?? []).entries()) {
    const id = w.siteId.toLowerCase();
    if (!siteById.has(id))
      throw badInput(`input.visitWindows[${index}].siteId`, `site ${id} is not on the list in the zones of the units planned`);
    stated.set(id, [...(stated.get(id) ?? []), { from: w.from, to: w.to, index }]);
  }
  let group = 0;
  for (const row of rows) {
    const site = siteById.get(row.id)!;
    const g = group++;
    const eligible = row.unit_ids.map((id) => unitIndex.get(id)!).sort((a, b) => a - b);
    const a = Math.max(from, s(site.activeFrom));
    const b = Math.min(to, site.activeTo ? s(site.activeTo) : to);
    const n = site.requiredVisitsPerDay;
    const done = made.get(site.id) ?? [];
    const matches = operations.filter(
      (op) => (site.community && op.priorityCommunities.includes(site.community)) || op.prioritySiteKinds.includes(site.kind),
    );
    const priority = RISK_WEIGHT[site.riskLevel] * (matches.length ? OPERATION_PRIORITY_FACTOR : 1);
    const why = [
      `${site.riskLevel} risk`,
      `${n} visit${n === 1 ? '' : 's'} a day`,
      ...matches.map(
        (op) =>
          `${site.community && op.priorityCommunities.includes(site.community) ? `${site.community}: a priority community` : `${site.kind.toLowerCase()}: a priority kind`} of ${op.name}`,
      ),
    ].join(' · ');
    const place = placeOf(row.lon, row.lat);
    const base = (k: number, of: number): TaskInfo => ({
      site,
      cellId: null,
      placeName: site.name,
      location: site.location,
      activity: ActivityKind.REASSURANCE_VISIT,
      visitNumber: k,
      visitsPlanned: of,
      why,
    });
    const windows: { earliest: number; latest: number; k: number; of: number }[] = [];
    const own = stated.get(site.id);
    if (own) {
      // Stated windows: one visit in each (a window with a visit made in it already is done).
      own.sort((x, y) => x.from.getTime() - y.from.getTime());
      own.forEach((w, k) => {
        const earliest = Math.max(s(w.from), a);
        const latest = Math.min(s(w.to), b - dwell);
        const doneIn = done.some((d) => d >= w.from && d <= w.to);
        if (doneIn) return;
        requiredVisits++;
        if (earliest > latest) {
          early.push({
            info: base(k + 1, own.length),
            reason: UnplannedReason.WINDOW,
            message: `the stated window ${clock(s(w.from))}–${clock(s(w.to))} lies outside the shift${startsAt > input.from ? ' left' : ''} or the site’s time on the list`,
            windowFrom: s(w.from),
            windowTo: s(w.to),
          });
          return;
        }
        windows.push({ earliest, latest, k: k + 1, of: own.length });
      });
      for (const w of windows) {
        tasks.push({ place, dwell, earliest: w.earliest, latest: w.latest, group: g, gap: 0, priority, units: eligible });
        info.push(base(w.k, w.of));
      }
      continue;
    }
    const remaining = Math.max(0, n - done.length);
    requiredVisits += remaining;
    if (remaining === 0 || b - a < dwell) {
      if (remaining > 0)
        for (let k = 0; k < remaining; k++)
          early.push({
            info: base(done.length + k + 1, n),
            reason: UnplannedReason.WINDOW,
            message: `${site.name} is on the list for less than a stop’s length of the shift`,
            windowFrom: a,
            windowTo: b,
          });
      continue;
    }
    // The k-th remaining visit in the k-th equal part of what is left of the window, and at
    // least 12 h ÷ n after the one before (rules.ts).
    const part = (b - a) / remaining;
    if (remaining > 1)
      partitions.set(
        remaining,
        Array.from({ length: remaining - 1 }, (_, k) => Math.round(a + (k + 1) * part)),
      );
    for (let k = 0; k < remaining; k++) {
      const earliest = Math.round(a + k * part);
      const latest = Math.min(Math.round(a + (k + 1) * part) - (k + 1 < remaining ? 1 : 0), b - dwell);
      tasks.push({
        place,
        dwell,
        earliest,
        latest,
        group: g,
        gap: spacingSeconds(n),
        lastDone: done.length ? s(done.at(-1)!) : undefined,
        priority,
        units: eligible,
      });
      info.push(base(done.length + k + 1, n));
    }
  }

  // Hot-spot dosage.
  if (input.dosage) await addDosage();

  async function addDosage(): Promise<void> {
    const dosage = input.dosage!;
    const filter = dosage.filter;
    const field = 'input.dosage.filter';
    const periodTo = filter.to ?? input.from;
    const periodFrom = filter.from ?? new Date(periodTo.getTime() - 28 * DAY_MS);
    checkWindow(periodFrom, periodTo, [`${field}.from`, `${field}.to`]);
    const given = filter.bbox || filter.within || filter.zoneId;
    let area: string;
    if (given) area = await resolveArea(em, filter, field);
    else {
      const [row] = await query<{ area: string | null }>(
        em,
        sql`select ST_AsGeoJSON(${unionOf(sql`z.boundary`)}) as area from patrol_zones z
         where z.id in (select patrol_zone_id from patrol_zone_units where patrol_unit_id = any(${unitIds}::uuid[]))`,
      );
      if (!row?.area) throw badInput(field, 'the units have no patrol zones: give the hot spots an area (bbox, within or zoneId)');
      area = row.area;
    }
    const period = `${periodFrom.toISOString().slice(0, 10)} to ${periodTo.toISOString().slice(0, 10)}`;
    // A filter that matches nothing is refused before any grid is built (the incidents' own count).
    const matching = await listIncidents(
      em,
      { ...filter, bbox: undefined, zoneId: undefined, within: JSON.parse(area), from: periodFrom, to: periodTo },
      1,
    );
    if (matching.totalCount === 0) throw badInput(field, `matches no incidents from ${period} in the area: there is no hot spot to dose`);
    const hotspotFilter = await applyFilter(
      em,
      { ...filter, bbox: undefined, zoneId: undefined, commandArea: undefined, within: JSON.parse(area), from: periodFrom, to: periodTo },
      { field },
    );
    const map = await hotspotMap(em, hotspotFilter, { method: 'GI_STAR' }, field);
    if (map.incidentCount === 0) throw badInput(field, `matches no incidents from ${period} in the area: there is no hot spot to dose`);
    const hot = hotCells(map.cells)
      .filter((c) => c.zScore !== null)
      .sort((x, y) => y.zScore! - x.zScore! || (x.id < y.id ? -1 : 1))
      .slice(0, dosage.cells ?? 3);
    if (hot.length === 0)
      throw badInput(field, `${map.incidentCount} incidents match from ${period}, but no ${map.cellSize} m cell is a Gi* hot spot at 95 %`);
    const minutes = dosage.minutes ?? DEFAULT_DWELL_MINUTES;
    const activity = dosage.activity ?? ActivityKind.STREET_BRIEFING;
    const cellUnits = await query<{ k: number; unit_ids: string[] | null }>(
      em,
      sql`select c.k, (select array_agg(distinct zu.patrol_unit_id::text order by zu.patrol_unit_id::text)
                    from patrol_zone_units zu join patrol_zones z on z.id = zu.patrol_zone_id
                    where zu.patrol_unit_id = any(${unitIds}::uuid[]) and ST_Intersects(z.boundary, ST_SetSRID(ST_GeomFromGeoJSON(c.g), 4326))) as unit_ids
       from jsonb_to_recordset(${JSON.stringify(hot.map((c, k) => ({ k, g: JSON.stringify(c.geometry) })))}::jsonb) as c(k int, g text) order by c.k`,
    );
    const what = `${filter.categories?.length ? filter.categories.join(', ') : 'all incidents'}${filter.darkness === DarknessFilter.DARK ? ' after dark' : filter.darkness === DarknessFilter.LIGHT ? ' in daylight' : ''}`;
    for (const [k, cell] of hot.entries()) {
      const ring = cell.geometry.coordinates[0]!.slice(0, -1);
      const lon = ring.reduce((sum, c) => sum + c[0]!, 0) / ring.length;
      const lat = ring.reduce((sum, c) => sum + c[1]!, 0) / ring.length;
      const hours = dosageHours(filter.darkness ?? DarknessFilter.ANY, from, to, lon, lat);
      const eligible = (cellUnits[k]?.unit_ids ?? []).map((id) => unitIndex.get(id)!).sort((a, b) => a - b);
      const g = group++;
      const place = placeOf(lon, lat);
      const step = DOSAGE_SLOT_STEP_MINUTES * 60;
      const width = DOSAGE_SLOT_WIDTH_MINUTES * 60;
      const slots: [number, number][] = [];
      for (const [h0, h1] of hours)
        for (let t = h0; t + minutes * 60 <= h1; t += step) slots.push([t, Math.min(t + width, h1 - minutes * 60)]);
      const name = `Hot spot ${k + 1} (${what}, Gi* z = ${cell.zScore!.toFixed(1)})`;
      const why = `Gi* ${cell.confidence === 'HOT_99' ? '99' : '95'} % hot spot of ${what}, ${period}: ${cell.count} incidents in the cell; back within 2 hours (Koper)`;
      notes.push(
        `${name}: ${slots.length} stops of ${minutes} min${hours.length ? ` in ${hours.map(([x, y]) => `${clock(x)}–${clock(y)}`).join(', ')}` : ''}${filter.darkness === DarknessFilter.DARK ? ' (civil dusk to dawn)' : ''}.`,
      );
      slots.forEach(([earliest, latest], j) => {
        const cellInfo: TaskInfo = {
          site: null,
          cellId: cell.id,
          placeName: name,
          location: { type: 'Point', coordinates: [lon, lat] },
          activity,
          visitNumber: j + 1,
          visitsPlanned: slots.length,
          why,
        };
        if (eligible.length === 0) {
          early.push({
            info: cellInfo,
            reason: UnplannedReason.DISTANCE,
            message: 'no unit in the plan has a zone reaching this cell',
            windowFrom: earliest,
            windowTo: latest,
          });
          return;
        }
        tasks.push({ place, dwell: minutes * 60, earliest, latest, group: g, gap: 0, priority: DOSAGE_WEIGHT, units: eligible });
        info.push(cellInfo);
      });
      if (slots.length === 0)
        notes.push(`${name}: no ${filter.darkness === DarknessFilter.DARK ? 'dark' : 'matching'} hours in the shift, so no stops.`);
    }
  }

  // Metric coordinates of every place, from PostGIS (distances in metres, never degrees).
  const metres = places.length
    ? await query<{ x: number; y: number }>(
        em,
        sql`select ST_X(g) as x, ST_Y(g) as y
         from jsonb_to_recordset(${JSON.stringify(places.map((p, n) => ({ n, lon: p.longitude, lat: p.latitude })))}::jsonb) as p(n int, lon float8, lat float8),
              lateral (select ${metric(sql`ST_SetSRID(ST_MakePoint(p.lon, p.lat), 4326)`)} as g) m
         order by p.n`,
      )
    : [];
  const fullPlaces: Place[] = places.map((p, i) => ({ ...p, x: metres[i]!.x, y: metres[i]!.y }));
  const profiles = [...new Set(planUnits.map((u) => u.profile))].sort();
  const travel = await chooseTravel(em, input.travelMethod, fullPlaces, profiles);

  return {
    input,
    from: input.from,
    to: input.to,
    startsAt,
    units: planUnits,
    places: fullPlaces,
    travel,
    problem: {
      units: planUnits.map((u, i) => ({ profile: u.profile, start: startPlaces[i]!, from, to })),
      tasks,
      travel,
    },
    info,
    early,
    partitions: [...partitions.entries()].sort((x, y) => x[0] - y[0]).map(([, cuts]) => cuts),
    requiredVisits,
    notes,
  };
}

/** The street network when there is one that reaches every place, else the straight line; a forced choice that cannot be met is refused. */
async function chooseTravel(
  em: EntityManager,
  wanted: TravelMethod | undefined,
  places: Place[],
  profiles: TravelProfile[],
): Promise<TravelModel> {
  if (wanted === TravelMethod.STRAIGHT_LINE) return straightLineTravel(places, profiles, 'straight line asked for');
  const network = await loadStreetNetwork(em);
  if (!network) {
    if (wanted === TravelMethod.STREET_NETWORK)
      throw badInput('input.travelMethod', 'no street network is imported: run `vigil import streets <file>` first');
    return straightLineTravel(places, profiles, 'no street network is imported');
  }
  const streets = streetTravel(network, places, profiles);
  if ('unusable' in streets) {
    if (wanted === TravelMethod.STREET_NETWORK) throw badInput('input.travelMethod', streets.unusable);
    return straightLineTravel(places, profiles, streets.unusable);
  }
  return streets;
}

/**
 * The hours of the shift [from, to] a dosage filter points to: after dark, between civil
 * dusk and the next civil dawn at the cell (incidents/darkness.ts, the same twilight the
 * incidents' darkness comes from); in daylight, between dawn and dusk; otherwise all of it.
 */
export function dosageHours(darkness: DarknessFilter, from: number, to: number, lon: number, lat: number): [number, number][] {
  if (darkness !== DarknessFilter.DARK && darkness !== DarknessFilter.LIGHT) return [[from, to]];
  const days: { dawn: number; dusk: number }[] = [];
  // Every solar day that could touch the shift: noon to noon, a day either side.
  for (let t = from - 86_400; t <= to + 86_400; t += 86_400) {
    const { dawn, dusk } = civilTwilight(new Date(t * 1000), lon, lat);
    if (dawn && dusk) days.push({ dawn: s(dawn), dusk: s(dusk) });
  }
  const unique = days.filter((d, i) => i === 0 || d.dawn !== days[i - 1]!.dawn).sort((a, b) => a.dawn - b.dawn);
  const spans: [number, number][] = [];
  for (let i = 0; i < unique.length; i++) {
    if (darkness === DarknessFilter.LIGHT) spans.push([unique[i]!.dawn, unique[i]!.dusk]);
    else if (i + 1 < unique.length) spans.push([unique[i]!.dusk, unique[i + 1]!.dawn]);
  }
  return spans
    .map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as [number, number])
    .filter(([a, b]) => b > a)
    .filter((span, i, all) => i === 0 || span[0] !== all[i - 1]![0]);
}
