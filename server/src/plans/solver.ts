import { nearestNeighbourPlan } from './baseline.js';

/**
 * The plan solver: which unit makes which visit, in what order, at what time. A vehicle
 * routing problem with time windows, fixed stop lengths and spacing between the visits of
 * one place, where a place may be left out when the shifts cannot hold everything.
 *
 * Method (documented, deterministic: no randomness, no clock; ties broken by index):
 * 1. Regret insertion (Potvin & Rousseau 1993), highest priority first: of the visits of
 *    the top priority still unplanned, the one whose best insertion (least added metres,
 *    over every unit and position that keeps every time rule) is most ahead of its
 *    second-best unit goes in first; a visit with one possible unit goes before any
 *    other. A place belongs to one unit: all its visits go to the unit that took the first.
 * 2. Local search to a local optimum (bounded passes): within a route, move one visit or a
 *    run of two or three elsewhere (or-opt) and reverse a stretch (2-opt); between units,
 *    move all visits of a place to another unit that may take it. A move is kept when it
 *    shortens the total travel and every rule still holds.
 * 3. Insertion again of what was left out (the local search may have freed time), then
 *    step 2 again, up to three rounds.
 * 4. When visits were left out, steps 2–3 again from the nearest-neighbour round; the better
 *    of the two is the plan.
 *
 * Times are epoch seconds. A route is scheduled as early as possible (each stop starts at
 * the latest of its arrival, its window's start and its spacing after the place's previous
 * stop), which is optimal for a fixed order: every rule is a release time or a deadline
 * that only moves later when something earlier does.
 */

export interface SolverUnit {
  /** Travel profile: which matrix its legs use. */
  profile: string;
  /** Index of its start place. */
  start: number;
  from: number;
  to: number;
}

export interface SolverTask {
  place: number;
  /** Seconds of the stop. */
  dwell: number;
  /** The stop starts within [earliest, latest]. */
  earliest: number;
  latest: number;
  /** Visits of one group (a site or a cell) keep `gap` seconds between their starts. */
  group: number;
  gap: number;
  /** Start of the group's last visit already made (re-planning), if any. */
  lastDone?: number;
  priority: number;
  /** Units that may make it. */
  units: number[];
}

export interface Travel {
  /** Metres and seconds from place i to place j for a profile; Infinity when unreachable. */
  metres(profile: string, i: number, j: number): number;
  seconds(profile: string, i: number, j: number): number;
}

export interface Problem {
  units: SolverUnit[];
  tasks: SolverTask[];
  travel: Travel;
}

export interface ScheduledStop {
  task: number;
  arrive: number;
  start: number;
  depart: number;
  metres: number;
  seconds: number;
}

export interface Solution {
  routes: number[][];
  unplanned: number[];
  /** Local-search moves kept. */
  moves: number;
}

const EPS = 1e-6;

/** Schedules a route as early as possible; null when any rule breaks. */
export function schedule(problem: Problem, unitIndex: number, route: readonly number[]): ScheduledStop[] | null {
  const unit = problem.units[unitIndex]!;
  const stops: ScheduledStop[] = [];
  const last = new Map<number, number>();
  let t = unit.from;
  let here = unit.start;
  for (const k of route) {
    const task = problem.tasks[k]!;
    const seconds = problem.travel.seconds(unit.profile, here, task.place);
    if (!Number.isFinite(seconds)) return null;
    const arrive = t + seconds;
    const previous = last.get(task.group) ?? task.lastDone;
    const start = Math.max(arrive, task.earliest, previous === undefined ? -Infinity : previous + task.gap);
    if (start > task.latest + EPS || start + task.dwell > unit.to + EPS) return null;
    stops.push({
      task: k,
      arrive,
      start,
      depart: start + task.dwell,
      metres: problem.travel.metres(unit.profile, here, task.place),
      seconds,
    });
    last.set(task.group, start);
    t = start + task.dwell;
    here = task.place;
  }
  return stops;
}

export function routeMetres(problem: Problem, unitIndex: number, route: readonly number[]): number {
  const unit = problem.units[unitIndex]!;
  let here = unit.start;
  let metres = 0;
  for (const k of route) {
    const place = problem.tasks[k]!.place;
    metres += problem.travel.metres(unit.profile, here, place);
    here = place;
  }
  return metres;
}

/** A route with its schedule, kept in step after every change. */
class Route {
  stops: ScheduledStop[] = [];
  /** Positions of each group's visits in the route, in order. */
  groups = new Map<number, number[]>();

  constructor(
    readonly problem: Problem,
    readonly unit: number,
    public tasks: number[] = [],
  ) {
    this.refresh();
  }

  refresh(): void {
    const stops = schedule(this.problem, this.unit, this.tasks);
    if (!stops) throw new Error('solver: a route was changed into an infeasible one');
    this.stops = stops;
    this.groups.clear();
    this.tasks.forEach((k, i) => {
      const g = this.problem.tasks[k]!.group;
      const list = this.groups.get(g);
      if (list) list.push(i);
      else this.groups.set(g, [i]);
    });
  }

  get profile(): string {
    return this.problem.units[this.unit]!.profile;
  }

  placeAt(i: number): number {
    return i < 0 ? this.problem.units[this.unit]!.start : this.problem.tasks[this.tasks[i]!]!.place;
  }

  /** Start of the group's latest visit at a position before `p`, from the current schedule. */
  private previousStart(group: number, p: number): number | undefined {
    const positions = this.groups.get(group);
    let found: number | undefined;
    if (positions) for (const i of positions) if (i < p) found = this.stops[i]!.start;
    return found;
  }

  /**
   * Added metres if task k went in at position p (before the stop now at p), or null when a
   * rule would break. Simulates forward from p and stops as soon as the rest of the
   * schedule can no longer change: no delay left and no place whose last start moved.
   */
  insertionCost(k: number, p: number): number | null {
    const { problem } = this;
    const unit = problem.units[this.unit]!;
    const task = problem.tasks[k]!;
    const profile = unit.profile;
    const prevPlace = this.placeAt(p - 1);
    const t0 = p === 0 ? unit.from : this.stops[p - 1]!.depart;
    const seconds = problem.travel.seconds(profile, prevPlace, task.place);
    if (!Number.isFinite(seconds)) return null;
    const before = this.previousStart(task.group, p) ?? task.lastDone;
    const start = Math.max(t0 + seconds, task.earliest, before === undefined ? -Infinity : before + task.gap);
    if (start > task.latest + EPS || start + task.dwell > unit.to + EPS) return null;
    // Groups whose latest start differs from the current schedule's, with the new value.
    const moved = new Map<number, number>([[task.group, start]]);
    let t = start + task.dwell;
    let here = task.place;
    for (let i = p; i < this.tasks.length; i++) {
      const q = problem.tasks[this.tasks[i]!]!;
      const old = this.stops[i]!;
      const travel = problem.travel.seconds(profile, here, q.place);
      if (!Number.isFinite(travel)) return null;
      const last = moved.has(q.group) ? moved.get(q.group) : i > 0 ? this.previousStart(q.group, i) : undefined;
      const previous = last ?? q.lastDone;
      const s = Math.max(t + travel, q.earliest, previous === undefined ? -Infinity : previous + q.gap);
      if (s > q.latest + EPS || s + q.dwell > unit.to + EPS) return null;
      if (Math.abs(s - old.start) < EPS) {
        moved.delete(q.group);
        // Same start, same place: everything after is as it was.
        if (moved.size === 0) break;
      } else moved.set(q.group, s);
      t = s + q.dwell;
      here = q.place;
    }
    const nextPlace = p < this.tasks.length ? this.placeAt(p) : null;
    const m = problem.travel.metres;
    return (
      m(profile, prevPlace, task.place) + (nextPlace === null ? 0 : m(profile, task.place, nextPlace) - m(profile, prevPlace, nextPlace))
    );
  }

  insert(k: number, p: number): void {
    this.tasks.splice(p, 0, k);
    this.refresh();
  }

  metres(): number {
    return routeMetres(this.problem, this.unit, this.tasks);
  }
}

interface Candidate {
  cost: number;
  position: number;
}

/**
 * Solves a plan. Same problem, same solution. When not everything fits, a second start is
 * improved the same way — the nearest-neighbour round, which in a short shift can fit more
 * visits by taking what is near first — and the better kept: more priority planned, then
 * less travel.
 */
export function solve(problem: Problem, options: { maxPasses?: number } = {}): Solution {
  const byInsertion = improveFrom(
    problem,
    problem.units.map(() => []),
    options,
  );
  // Everything fits: nothing to gain in visits from the other start.
  if (byInsertion.unplanned.length === 0) return byInsertion;
  const byNeighbour = improveFrom(problem, nearestNeighbourPlan(problem).routes, options);
  const score = (x: Solution) => x.routes.flat().reduce((sum, k) => sum + problem.tasks[k]!.priority, 0);
  const metres = (x: Solution) => x.routes.reduce((sum, r, u) => sum + routeMetres(problem, u, r), 0);
  const a = score(byInsertion);
  const b = score(byNeighbour);
  return b > a + EPS || (Math.abs(a - b) <= EPS && metres(byNeighbour) < metres(byInsertion) - 0.5) ? byNeighbour : byInsertion;
}

function improveFrom(problem: Problem, start: number[][], options: { maxPasses?: number }): Solution {
  const routes = problem.units.map((_, u) => new Route(problem, u, [...start[u]!]));
  const owner = new Map<number, number>();
  for (const [u, route] of start.entries()) for (const k of route) owner.set(problem.tasks[k]!.group, u);
  const placed = new Set(start.flat());
  let unplanned = problem.tasks.map((_, k) => k).filter((k) => !placed.has(k));
  let moves = 0;
  for (let round = 0; round < 3; round++) {
    const before = unplanned.length;
    unplanned = insertAll(problem, routes, owner, unplanned);
    moves += improve(problem, routes, owner, options.maxPasses ?? 40);
    if (round > 0 && unplanned.length === before) break;
    if (unplanned.length === 0) break;
  }
  return { routes: routes.map((r) => r.tasks), unplanned, moves };
}

/** Best feasible position of task k in a route. */
function bestIn(route: Route, k: number): Candidate | null {
  let best: Candidate | null = null;
  for (let p = 0; p <= route.tasks.length; p++) {
    const cost = route.insertionCost(k, p);
    if (cost !== null && (best === null || cost < best.cost - EPS)) best = { cost, position: p };
  }
  return best;
}

/** Step 1 (and 3): regret insertion, highest priority first. Returns what could not go in. */
function insertAll(problem: Problem, routes: Route[], owner: Map<number, number>, pending: number[]): number[] {
  const left = new Set(pending);
  // candidates[k][u]: the best insertion of task k into unit u's route, or null.
  const candidates = new Map<number, (Candidate | null)[]>();
  const allowed = (k: number, u: number) => {
    const o = owner.get(problem.tasks[k]!.group);
    return o === undefined ? problem.tasks[k]!.units.includes(u) : o === u;
  };
  const compute = (k: number, u: number) => (allowed(k, u) ? bestIn(routes[u]!, k) : null);
  for (const k of left)
    candidates.set(
      k,
      problem.units.map((_, u) => compute(k, u)),
    );

  for (;;) {
    let chosen: { k: number; u: number; position: number; key: [number, number, number, number] } | null = null;
    for (const k of left) {
      const options = candidates.get(k)!;
      const feasible = options
        .map((c, u) => (c ? { ...c, u } : null))
        .filter((c): c is Candidate & { u: number } => c !== null)
        .sort((a, b) => a.cost - b.cost || a.u - b.u);
      if (feasible.length === 0) continue;
      const best = feasible[0]!;
      const regret = feasible.length > 1 ? feasible[1]!.cost - best.cost : Number.MAX_VALUE;
      // Higher priority, then larger regret, then cheaper, then lower index.
      const key: [number, number, number, number] = [problem.tasks[k]!.priority, regret, -best.cost, -k];
      if (!chosen || compareKeys(key, chosen.key) > 0) chosen = { k, u: best.u, position: best.position, key };
    }
    if (!chosen) break;
    const { k, u, position } = chosen;
    routes[u]!.insert(k, position);
    left.delete(k);
    candidates.delete(k);
    const group = problem.tasks[k]!.group;
    const newlyOwned = !owner.has(group);
    owner.set(group, u);
    for (const j of left) {
      const options = candidates.get(j)!;
      options[u] = compute(j, u);
      // The place now belongs to u: its other visits may go nowhere else.
      if (newlyOwned && problem.tasks[j]!.group === group) for (let v = 0; v < options.length; v++) if (v !== u) options[v] = null;
    }
  }
  return [...left].sort((a, b) => a - b);
}

function compareKeys(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! > b[i]! + EPS) return 1;
    if (a[i]! < b[i]! - EPS) return -1;
  }
  return 0;
}

/** Step 2: local search until nothing improves (or maxPasses). Returns the moves kept. */
function improve(problem: Problem, routes: Route[], owner: Map<number, number>, maxPasses: number): number {
  let kept = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    let improved = false;
    for (const route of routes) {
      while (intraRoute(problem, route)) {
        improved = true;
        kept++;
      }
    }
    if (moveGroups(problem, routes, owner)) {
      improved = true;
      kept++;
    }
    if (!improved) break;
  }
  return kept;
}

/**
 * The best improving or-opt (a run of 1–3 visits moved elsewhere) or 2-opt (a stretch
 * reversed) move of a route; false when none. Each move's change in metres is worked out
 * in constant time (2-opt through running sums both ways, as one-way streets make the
 * distances asymmetric); only the improving ones are scheduled, best first, and the first
 * that keeps every rule is made.
 */
function intraRoute(problem: Problem, route: Route): boolean {
  const n = route.tasks.length;
  if (n < 2) return false;
  const profile = route.profile;
  const d = (a: number, b: number) => problem.travel.metres(profile, a, b);
  const place = (i: number) => route.placeAt(i);
  // fwd[i]: metres along the route from stop 0 to stop i; bwd[i]: the same walked backwards.
  const fwd = [0];
  const bwd = [0];
  for (let i = 1; i < n; i++) {
    fwd.push(fwd[i - 1]! + d(place(i - 1), place(i)));
    bwd.push(bwd[i - 1]! + d(place(i), place(i - 1)));
  }
  const moves: { delta: number; build: () => number[] }[] = [];
  const tasks = route.tasks;
  for (let len = 1; len <= Math.min(3, n - 1); len++) {
    for (let i = 0; i + len <= n; i++) {
      const first = place(i);
      const last = place(i + len - 1);
      const hasNext = i + len < n;
      const gain = d(place(i - 1), first) + (hasNext ? d(last, place(i + len)) - d(place(i - 1), place(i + len)) : 0);
      // Rest positions, as original indexes: between u (index a) and v (index b).
      const rest: number[] = [];
      for (let k = 0; k < n; k++) if (k < i || k >= i + len) rest.push(k);
      for (let p = 0; p <= rest.length; p++) {
        const a = p === 0 ? -1 : rest[p - 1]!;
        if (a === i - 1) continue; // where it already is
        const b = p < rest.length ? rest[p]! : null;
        const cost = d(place(a), first) + (b === null ? 0 : d(last, place(b)) - d(place(a), place(b)));
        const delta = cost - gain;
        if (delta < -0.5) {
          moves.push({
            delta,
            build: () => {
              const run = tasks.slice(i, i + len);
              const others = rest.map((k) => tasks[k]!);
              return [...others.slice(0, p), ...run, ...others.slice(p)];
            },
          });
        }
      }
    }
  }
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      const hasNext = j + 1 < n;
      const old = d(place(i - 1), place(i)) + (fwd[j]! - fwd[i]!) + (hasNext ? d(place(j), place(j + 1)) : 0);
      const now = d(place(i - 1), place(j)) + (bwd[j]! - bwd[i]!) + (hasNext ? d(place(i), place(j + 1)) : 0);
      if (now - old < -0.5)
        moves.push({ delta: now - old, build: () => [...tasks.slice(0, i), ...tasks.slice(i, j + 1).reverse(), ...tasks.slice(j + 1)] });
    }
  }
  // Best first; equal gains in the order found (a stable sort), so the result is deterministic.
  moves.sort((x, y) => x.delta - y.delta);
  for (const move of moves) {
    const next = move.build();
    if (schedule(problem, route.unit, next)) {
      route.tasks = next;
      route.refresh();
      return true;
    }
  }
  return false;
}

/** Moves every visit of one place to another unit when that shortens the total; the best such move. */
function moveGroups(problem: Problem, routes: Route[], owner: Map<number, number>): boolean {
  let best: { gain: number; from: number; to: number; fromTasks: number[]; toTasks: number[]; group: number } | null = null;
  const groups = [...owner.keys()].sort((a, b) => a - b);
  for (const group of groups) {
    const from = owner.get(group)!;
    const source = routes[from]!;
    const members = source.tasks.filter((k) => problem.tasks[k]!.group === group);
    const eligible = problem.units.map((_, u) => u).filter((u) => u !== from && members.every((k) => problem.tasks[k]!.units.includes(u)));
    if (eligible.length === 0) continue;
    const fromTasks = source.tasks.filter((k) => problem.tasks[k]!.group !== group);
    if (!schedule(problem, from, fromTasks)) continue;
    const saved = source.metres() - routeMetres(problem, from, fromTasks);
    for (const to of eligible) {
      const target = new Route(problem, to, [...routes[to]!.tasks]);
      const added = target.metres();
      let ok = true;
      for (const k of members) {
        const c = bestIn(target, k);
        if (!c) {
          ok = false;
          break;
        }
        target.insert(k, c.position);
      }
      if (!ok) continue;
      const gain = saved - (target.metres() - added);
      if (gain > 0.5 && (!best || gain > best.gain + EPS)) best = { gain, from, to, fromTasks, toTasks: target.tasks, group };
    }
  }
  if (!best) return false;
  routes[best.from]!.tasks = best.fromTasks;
  routes[best.from]!.refresh();
  routes[best.to]!.tasks = best.toTasks;
  routes[best.to]!.refresh();
  owner.set(best.group, best.to);
  return true;
}
