import type { Problem, Solution } from './solver.js';

/** A unit goes to the nearest place it can start within this long, rather than wait for a far one. */
const NEAR_WAIT_SECONDS = 3600;

/**
 * The nearest-neighbour plan: how a crew plans a round by eye, and the baseline the bench
 * measures the solver against. The unit that is free first goes to the nearest visit it can
 * start within the hour (keeping every rule: windows, spacing, the end of its shift), or,
 * when none is that close in time, to the one it can start soonest; a place belongs to the
 * first unit that goes there. Deterministic: ties go to the lower index.
 */
export function nearestNeighbourPlan(problem: Problem): Solution {
  const { units, tasks, travel } = problem;
  const state = units.map((u) => ({ t: u.from, here: u.start, route: [] as number[], done: false }));
  const last = new Map<number, number>();
  const owner = new Map<number, number>();
  const left = new Set(tasks.map((_, k) => k));
  for (;;) {
    let u = -1;
    for (let v = 0; v < units.length; v++) if (!state[v]!.done && (u < 0 || state[v]!.t < state[u]!.t)) u = v;
    if (u < 0) break;
    const s = state[u]!;
    const unit = units[u]!;
    let best: { k: number; metres: number; start: number } | null = null;
    let soonest: { k: number; metres: number; start: number } | null = null;
    for (const k of left) {
      const task = tasks[k]!;
      const o = owner.get(task.group);
      if (o === undefined ? !task.units.includes(u) : o !== u) continue;
      const seconds = travel.seconds(unit.profile, s.here, task.place);
      if (!Number.isFinite(seconds)) continue;
      const previous = last.get(task.group) ?? task.lastDone;
      const start = Math.max(s.t + seconds, task.earliest, previous === undefined ? -Infinity : previous + task.gap);
      if (start > task.latest || start + task.dwell > unit.to) continue;
      const metres = travel.metres(unit.profile, s.here, task.place);
      const c = { k, metres, start };
      if (start - s.t <= NEAR_WAIT_SECONDS && (!best || metres < best.metres)) best = c;
      if (!soonest || start < soonest.start) soonest = c;
    }
    const pick = best ?? soonest;
    if (!pick) {
      s.done = true;
      continue;
    }
    const task = tasks[pick.k]!;
    s.route.push(pick.k);
    s.t = pick.start + task.dwell;
    s.here = task.place;
    last.set(task.group, pick.start);
    owner.set(task.group, u);
    left.delete(pick.k);
  }
  return { routes: state.map((s) => s.route), unplanned: [...left].sort((a, b) => a - b), moves: 0 };
}
