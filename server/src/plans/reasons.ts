import { UnplannedReason } from './plan.types.js';
import { clock } from './problem.js';
import { type Problem, type Solution, schedule } from './solver.js';

/**
 * Why a visit was left out (issue: what can't fit is said, not dropped), tried in order:
 * DISTANCE when no unit that may make it can get there and back within its shift; WINDOW
 * when its own window (with the spacing after the place's other visits) cannot be met even
 * by a unit with nothing else to do; TIME when it fits alone but not with the visits of
 * higher priority the plan holds.
 */
export function unplannedReason(problem: Problem, solution: Solution, k: number): { reason: UnplannedReason; message: string } {
  const task = problem.tasks[k]!;
  const owner = solution.routes.findIndex((r) => r.some((j) => problem.tasks[j]!.group === task.group));
  const candidates = owner >= 0 ? [owner] : task.units;
  if (candidates.length === 0) return { reason: UnplannedReason.DISTANCE, message: 'no unit in the plan has a zone holding it' };
  let reachable = false;
  let windowOk = false;
  const window = `${clock(task.earliest)}–${clock(task.latest)}`;
  for (const u of candidates) {
    const unit = problem.units[u]!;
    const seconds = problem.travel.seconds(unit.profile, unit.start, task.place);
    if (!Number.isFinite(seconds) || unit.from + seconds + task.dwell > unit.to) continue;
    reachable = true;
    // The place's planned visits of this unit, with this one, and nothing else.
    const own = solution.routes[u]!.filter((j) => problem.tasks[j]!.group === task.group);
    const alone = [...own, k].sort((x, y) => problem.tasks[x]!.earliest - problem.tasks[y]!.earliest || x - y);
    if (schedule(problem, u, alone)) windowOk = true;
  }
  if (!reachable) {
    return {
      reason: UnplannedReason.DISTANCE,
      message: 'no unit that may make it can reach it (no route, or too far to get there within the shift)',
    };
  }
  if (!windowOk) {
    const spaced = task.gap > 0 ? `, at least ${Math.round(task.gap / 3600)} h after the place’s other visit` : '';
    return { reason: UnplannedReason.WINDOW, message: `it cannot start within ${window}${spaced}, even with nothing else to do` };
  }
  const busy = candidates.map((u) => {
    const stops = schedule(problem, u, solution.routes[u]!) ?? [];
    const dwell = stops.reduce((sum, x) => sum + (x.depart - x.start), 0);
    const travel = stops.reduce((sum, x) => sum + x.seconds, 0);
    const h = (sec: number) => `${Math.floor(sec / 3600)} h ${String(Math.round((sec % 3600) / 60)).padStart(2, '0')} min`;
    return `${h(dwell)} of stops and ${h(travel)} of travel already planned`;
  });
  return {
    reason: UnplannedReason.TIME,
    message: `the shift is full in ${window}: ${busy.join('; ')}; it fits alone, but not with visits of higher priority`,
  };
}
