import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../auth/tokens.js';
import { User } from '../auth/user.entity.js';
import type { LineString } from '../db/geometry.js';
import { query, sql } from '../db/sql.js';
import { checkId, notFound } from '../graphql/errors.js';
import { PatrolUnit, type UnitKind } from '../patrols/patrol-unit.entity.js';
import { sevenDecimals } from '../shared/geometry-validation.js';
import { Site } from '../sites/site.entity.js';
import { nearestNeighbourPlan } from './baseline.js';
import { lowerBoundMetres } from './lower-bound.js';
import { PatrolPlanRecord, PlanStopRecord, type StoredUnplanned, UnitPlanRecord } from './plan.entity.js';
import type { PatrolPlanInput } from './plan.inputs.js';
import { type PatrolPlan, type PlanMethod, type PlanStop, StartSource, type UnitPlan, type UnplannedVisit } from './plan.types.js';
import { buildPlanProblem, type PlanProblem } from './problem.js';
import { unplannedReason } from './reasons.js';
import { SPEED_KMH } from './rules.js';
import { routeMetres, type Solution, schedule, solve } from './solver.js';

const SOLVER_METHOD =
  'Regret insertion, highest priority first, then local search (or-opt, 2-opt, moving a place to another unit) to a local optimum; deterministic';

export interface SolvedPlan {
  built: PlanProblem;
  solution: Solution;
  plan: PatrolPlan;
}

const date = (seconds: number) => new Date(seconds * 1000);
const round1 = (v: number) => Math.round(v * 10) / 10;

function methodOf(built: PlanProblem): PlanMethod {
  const kinds = [...new Set(built.units.map((u) => u.profile))].sort();
  return {
    kind: built.travel.method,
    description: built.travel.description,
    circuityFactor: built.travel.circuityFactor,
    speeds: kinds.map((k) => ({ kind: k as UnitKind, kmh: SPEED_KMH[k] })),
  };
}

/** Solves the request and lays the solution out as the API shows it. Saves nothing. */
export async function previewPlan(em: EntityManager, input: PatrolPlanInput): Promise<SolvedPlan> {
  const built = await buildPlanProblem(em, input);
  const { problem, info } = built;
  const solution = solve(problem);
  const nn = nearestNeighbourPlan(problem);
  const visitNumber = numberVisits(built, solution);
  const method = methodOf(built);
  const units: UnitPlan[] = built.units.map((u, ui) => {
    const stops = schedule(problem, ui, solution.routes[ui]!)!;
    const planStops: PlanStop[] = stops.map((stop, n) => {
      const task = problem.tasks[stop.task]!;
      const meta = info[stop.task]!;
      const previous = n === 0 ? problem.units[ui]!.start : problem.tasks[stops[n - 1]!.task]!.place;
      const previousDepart = n === 0 ? problem.units[ui]!.from : stops[n - 1]!.depart;
      // Seven decimals (about 1 cm): a start from a unit's last fix has all of a double's,
      // and the stored line gives back fifteen, so the saved plan would not be the preview.
      const coordinates = built.travel
        .leg(u.profile, previous, task.place)
        .map(([x, y]): [number, number] => [sevenDecimals(x), sevenDecimals(y)]);
      const route: LineString = {
        type: 'LineString',
        coordinates: coordinates.length >= 2 ? coordinates : [coordinates[0]!, coordinates[0]!],
      };
      return {
        sequence: n + 1,
        unit: u.unit,
        site: meta.site,
        cellId: meta.cellId,
        placeName: meta.placeName,
        location: meta.location,
        latitude: meta.location.coordinates[1],
        longitude: meta.location.coordinates[0],
        arriveAt: date(stop.start),
        departAt: date(stop.depart),
        dwellMinutes: task.dwell / 60,
        waitMinutes: round1((stop.start - previousDepart - stop.seconds) / 60),
        activity: meta.activity,
        travelMetres: round1(stop.metres),
        travelSeconds: stop.seconds,
        route,
        visitNumber: visitNumber.get(stop.task)!,
        visitsPlanned: meta.visitsPlanned,
        windowFrom: date(task.earliest),
        windowTo: date(task.latest),
        why: meta.why,
      };
    });
    return {
      id: null,
      planId: null,
      unit: u.unit,
      from: built.from,
      to: built.to,
      startsAt: built.startsAt,
      start: u.start,
      startSource: u.startSource,
      stops: planStops,
      travelMetres: round1(routeMetres(problem, ui, solution.routes[ui]!)),
      travelSeconds: stops.reduce((sum, x) => sum + x.seconds, 0),
      method,
      createdAt: null,
    };
  });
  const unplanned: UnplannedVisit[] = [
    ...built.early.map((e) => ({
      site: e.info.site,
      cellId: e.info.cellId,
      placeName: e.info.placeName,
      visitNumber: e.info.visitNumber,
      reason: e.reason,
      message: e.message,
      windowFrom: date(e.windowFrom),
      windowTo: date(e.windowTo),
    })),
    ...solution.unplanned.map((k) => {
      const task = problem.tasks[k]!;
      const { reason, message } = unplannedReason(problem, solution, k);
      return {
        site: info[k]!.site,
        cellId: info[k]!.cellId,
        placeName: info[k]!.placeName,
        visitNumber: visitNumber.get(k)!,
        reason,
        message,
        windowFrom: date(task.earliest),
        windowTo: date(task.latest),
      };
    }),
  ];
  const planned = solution.routes.flat();
  const nnMetres = nn.routes.reduce((sum, r, u) => sum + routeMetres(problem, u, r), 0);
  const plan: PatrolPlan = {
    id: null,
    from: built.from,
    to: built.to,
    replanAt: input.replanAt ?? null,
    units,
    stops: units.flatMap((u) => u.stops),
    unplanned,
    requiredVisits: built.requiredVisits,
    plannedVisits: planned.filter((k) => info[k]!.site).length,
    dosageStops: planned.filter((k) => info[k]!.cellId).length,
    travelMetres: round1(units.reduce((sum, u) => sum + u.travelMetres, 0)),
    travelSeconds: units.reduce((sum, u) => sum + u.travelSeconds, 0),
    method,
    solver: {
      method: SOLVER_METHOD,
      lowerBoundMetres: round1(lowerBoundMetres(problem, solution, built.partitions)),
      nearestNeighbourMetres: round1(nnMetres),
      nearestNeighbourVisits: nn.routes.flat().length,
      moves: solution.moves,
    },
    notes: built.notes,
    createdAt: null,
  };
  return { built, solution, plan };
}

/**
 * Visits of a place are numbered as they happen: the planned ones in time order, then the
 * ones left out (the solver may keep the place's second window and drop its first, when only
 * one visit fits and either part of the shift would do).
 */
function numberVisits(built: PlanProblem, solution: Solution): Map<number, number> {
  const { problem, info } = built;
  const starts = new Map<number, number>();
  solution.routes.forEach((route, u) => {
    for (const stop of schedule(problem, u, route) ?? []) starts.set(stop.task, stop.start);
  });
  const groups = new Map<number, number[]>();
  for (const [k, task] of problem.tasks.entries()) groups.set(task.group, [...(groups.get(task.group) ?? []), k]);
  const numbers = new Map<number, number>();
  for (const tasks of groups.values()) {
    const first = Math.min(...tasks.map((k) => info[k]!.visitNumber));
    const ordered = [...tasks].sort(
      (a, b) => (starts.get(a) ?? Number.POSITIVE_INFINITY) - (starts.get(b) ?? Number.POSITIVE_INFINITY) || a - b,
    );
    for (const [i, k] of ordered.entries()) numbers.set(k, first + i);
  }
  return numbers;
}

/** Solves the request again (same input, same plan) and stores it, in one transaction. */
export async function savePlan(em: EntityManager, input: PatrolPlanInput, caller: Caller | null): Promise<PatrolPlan> {
  const { plan } = await previewPlan(em, input);
  const record = await em.transactional(async (tx) => {
    const saved = tx.create(PatrolPlanRecord, {
      shiftFrom: plan.from,
      shiftTo: plan.to,
      replanAt: plan.replanAt,
      request: JSON.parse(JSON.stringify(input)) as Record<string, unknown>,
      method: plan.method,
      solver: plan.solver,
      unplanned: plan.unplanned.map(
        (u): StoredUnplanned => ({
          siteId: u.site?.id ?? null,
          cellId: u.cellId,
          placeName: u.placeName,
          visitNumber: u.visitNumber,
          reason: u.reason,
          message: u.message,
          windowFrom: u.windowFrom.toISOString(),
          windowTo: u.windowTo.toISOString(),
        }),
      ),
      notes: plan.notes,
      requiredVisits: plan.requiredVisits,
      travelMetres: plan.travelMetres,
      travelSeconds: plan.travelSeconds,
      createdBy: caller ? tx.getReference(User, caller.userId) : null,
    });
    plan.units.forEach((u, position) => {
      const unitPlan = tx.create(UnitPlanRecord, {
        plan: saved,
        unit: tx.getReference(PatrolUnit, u.unit.id),
        position,
        shiftFrom: u.from,
        shiftTo: u.to,
        startsAt: u.startsAt,
        start: u.start,
        startSource: u.startSource,
        travelMetres: u.travelMetres,
        travelSeconds: u.travelSeconds,
      });
      for (const stop of u.stops)
        tx.create(PlanStopRecord, {
          unitPlan,
          sequence: stop.sequence,
          site: stop.site ? tx.getReference(Site, stop.site.id) : null,
          cellId: stop.cellId,
          placeName: stop.placeName,
          location: stop.location,
          arriveAt: stop.arriveAt,
          departAt: stop.departAt,
          dwellMinutes: stop.dwellMinutes,
          waitMinutes: stop.waitMinutes,
          activity: stop.activity,
          travelMetres: stop.travelMetres,
          travelSeconds: stop.travelSeconds,
          route: stop.route,
          visitNumber: stop.visitNumber,
          visitsPlanned: stop.visitsPlanned,
          windowFrom: stop.windowFrom,
          windowTo: stop.windowTo,
          why: stop.why,
        });
    });
    await tx.flush();
    return saved;
  });
  return readPlan(em, record.id);
}

/** A stored plan, as the API shows it. */
export async function readPlan(em: EntityManager, id: string): Promise<PatrolPlan> {
  const record = await em.findOne(
    PatrolPlanRecord,
    { id },
    { populate: ['units', 'units.unit', 'units.stops', 'units.stops.site'], refresh: true },
  );
  if (!record) throw notFound('Patrol plan', id);
  const units = record.units.getItems().map((u) => toUnitPlan(u, record));
  const siteIds = record.unplanned.map((u) => u.siteId).filter((x): x is string => x !== null);
  const sites = siteIds.length ? await em.find(Site, { id: { $in: siteIds } }) : [];
  return {
    id: record.id,
    from: record.shiftFrom,
    to: record.shiftTo,
    replanAt: record.replanAt ?? null,
    units,
    stops: units.flatMap((u) => u.stops),
    unplanned: record.unplanned.map((u) => ({
      ...u,
      site: sites.find((x) => x.id === u.siteId) ?? null,
      windowFrom: new Date(u.windowFrom),
      windowTo: new Date(u.windowTo),
    })),
    requiredVisits: record.requiredVisits,
    plannedVisits: units.reduce((sum, u) => sum + u.stops.filter((x) => x.site).length, 0),
    dosageStops: units.reduce((sum, u) => sum + u.stops.filter((x) => x.cellId).length, 0),
    travelMetres: record.travelMetres,
    travelSeconds: record.travelSeconds,
    method: record.method,
    solver: record.solver,
    notes: record.notes,
    createdAt: record.createdAt,
  };
}

function toUnitPlan(u: UnitPlanRecord, plan: PatrolPlanRecord): UnitPlan {
  return {
    id: u.id,
    planId: plan.id,
    unit: u.unit,
    from: u.shiftFrom,
    to: u.shiftTo,
    startsAt: u.startsAt,
    start: u.start,
    startSource: u.startSource as StartSource,
    stops: u.stops.getItems().map((s) => ({
      sequence: s.sequence,
      unit: u.unit,
      site: s.site ?? null,
      cellId: s.cellId ?? null,
      placeName: s.placeName,
      location: s.location,
      latitude: s.location.coordinates[1],
      longitude: s.location.coordinates[0],
      arriveAt: s.arriveAt,
      departAt: s.departAt,
      dwellMinutes: s.dwellMinutes,
      waitMinutes: s.waitMinutes,
      activity: s.activity,
      travelMetres: s.travelMetres,
      travelSeconds: s.travelSeconds,
      route: s.route,
      visitNumber: s.visitNumber,
      visitsPlanned: s.visitsPlanned,
      windowFrom: s.windowFrom,
      windowTo: s.windowTo,
      why: s.why,
    })),
    travelMetres: u.travelMetres,
    travelSeconds: u.travelSeconds,
    method: plan.method,
    createdAt: u.createdAt,
  };
}

/**
 * A unit's current plan at a moment: of its stored plans whose shift holds the moment, the
 * newest made at or before it (a re-plan replaces the plan from when it was made), or, when
 * every such plan was made later (a plan made after its shift began), the first made.
 */
export async function currentUnitPlan(em: EntityManager, unitId: string, at: Date, field = 'unitId'): Promise<UnitPlan | null> {
  const id = checkId(field, unitId);
  if (!(await em.count(PatrolUnit, { id }))) throw notFound('Patrol unit', id);
  const rows = await query<{ id: string }>(
    em,
    sql`select id from patrol_unit_plans
     where unit_id = ${id} and shift_from <= ${at} and shift_to > ${at}
     order by (created_at <= ${at}) desc, case when created_at <= ${at} then created_at end desc, created_at asc, id
     limit 1`,
  );
  if (!rows[0]) return null;
  const record = await em.findOne(UnitPlanRecord, { id: rows[0].id }, { populate: ['plan', 'unit', 'stops', 'stops.site'], refresh: true });
  return record ? toUnitPlan(record, record.plan) : null;
}

/** The current plan of every unit that has one at a moment, by call sign. */
export async function currentPlans(em: EntityManager, at: Date): Promise<UnitPlan[]> {
  const units = await query<{ unit_id: string }>(
    em,
    sql`select distinct p.unit_id::text as unit_id, u.call_sign from patrol_unit_plans p join patrol_units u on u.id = p.unit_id
     where p.shift_from <= ${at} and p.shift_to > ${at} order by u.call_sign`,
  );
  const plans: UnitPlan[] = [];
  for (const { unit_id } of units) {
    const plan = await currentUnitPlan(em, unit_id, at);
    if (plan) plans.push(plan);
  }
  return plans;
}
