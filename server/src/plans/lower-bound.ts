import type { Problem, Solution } from './solver.js';

/**
 * A lower bound on the travel any plan needs to make the same visits, so the bench can say
 * how far from the best possible a plan is (the optimum lies between the bound and the plan).
 *
 * Split the shift at given times into intervals. Within an interval I, take the visits whose
 * window lies inside I: every plan makes them during I, and each unit's stops in I follow
 * one another, so its legs inside I, cut short to those visits (shortest paths obey the
 * triangle inequality, each way), form a path over them; the units' paths together are a
 * forest over the places of I with at most one tree per unit, rooted at the units' starts
 * for the interval the shift starts with. Legs inside different intervals are different
 * legs, so the sum over intervals of the lightest such forest is a lower bound. Distances are
 * the smaller of the two directions over every unit's way of travelling, so one-way streets
 * cannot make it overshoot.
 *
 * Each forest is strengthened the Held–Karp way (Lagrangian relaxation of the degrees,
 * subgradient ascent, π ≥ 0): a place visited v times in I has degree at most 2v in the path.
 * The result is the best over the partitions given (always including the whole shift).
 */
export function lowerBoundMetres(problem: Problem, solution: Solution, partitions: number[][] = []): number {
  const planned = solution.routes.flat();
  if (planned.length === 0) return 0;
  const from = Math.min(...problem.units.map((u) => u.from));
  const to = Math.max(...problem.units.map((u) => u.to));
  const profiles = [...new Set(problem.units.map((u) => u.profile))];
  const dist = (a: number, b: number) => {
    let best = Number.POSITIVE_INFINITY;
    for (const p of profiles) best = Math.min(best, problem.travel.metres(p, a, b), problem.travel.metres(p, b, a));
    return best;
  };
  const upper = solution.routes.reduce((sum, route, u) => {
    const unit = problem.units[u]!;
    let here = unit.start;
    let metres = 0;
    for (const k of route) {
      metres += problem.travel.metres(unit.profile, here, problem.tasks[k]!.place);
      here = problem.tasks[k]!.place;
    }
    return sum + metres;
  }, 0);
  const roots = [...new Set(problem.units.map((u) => u.start))];
  let best = 0;
  for (const cuts of [[], ...partitions]) {
    const bounds = [from, ...cuts.filter((c) => c > from && c < to).sort((a, b) => a - b), to];
    let total = 0;
    for (let i = 0; i + 1 < bounds.length; i++) {
      const [a, b] = [bounds[i]!, bounds[i + 1]!];
      const visits = new Map<number, number>();
      for (const k of planned) {
        const task = problem.tasks[k]!;
        // A stop belongs to the interval its start falls in: [a, b), the last one [a, b].
        const inside = task.earliest >= a && (task.latest < b || (b === to && task.latest <= b));
        if (inside) visits.set(task.place, (visits.get(task.place) ?? 0) + 1);
      }
      if (visits.size === 0) continue;
      total += forestBound(visits, i === 0 ? roots : null, problem.units.length, dist, upper);
    }
    best = Math.max(best, total);
  }
  return Math.min(best, upper);
}

/**
 * The Lagrangian forest bound over `visits` (place → visits): rooted (one super-root joined to
 * every place by its distance to the nearest root) or unrooted with at most `trees` trees.
 */
function forestBound(
  visits: Map<number, number>,
  roots: number[] | null,
  trees: number,
  dist: (a: number, b: number) => number,
  upper: number,
): number {
  const places = [...visits.keys()].sort((a, b) => a - b);
  const n = places.length;
  const rooted = roots !== null;
  const size = n + (rooted ? 1 : 0);
  // Node 0 is the super-root when rooted; place i is node i + offset.
  const offset = rooted ? 1 : 0;
  const w = new Float64Array(size * size);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const d = dist(places[i]!, places[j]!);
      w[(i + offset) * size + j + offset] = d;
      w[(j + offset) * size + i + offset] = d;
    }
    if (rooted) {
      let d = Number.POSITIVE_INFINITY;
      for (const r of roots) d = Math.min(d, r === places[i] ? 0 : dist(r, places[i]!));
      w[i + offset] = d;
      w[(i + offset) * size] = d;
    }
  }
  const maxDegree = places.map((p) => 2 * (visits.get(p) ?? 1));
  const pi = new Float64Array(size);
  let best = 0;
  let lambda = 2;
  let stale = 0;
  for (let iteration = 0; iteration < 100; iteration++) {
    const { edges } = primForest(size, (a, b) => w[a * size + b]! + pi[a]! + pi[b]!);
    // Unrooted: at most `trees` trees, so the lightest forest drops the trees − 1 heaviest edges.
    edges.sort((x, y) => x.weight - y.weight);
    const kept = rooted ? edges : edges.slice(0, Math.max(0, edges.length - (trees - 1)));
    const degree = new Float64Array(size);
    let value = 0;
    for (const e of kept) {
      value += e.weight;
      degree[e.a]!++;
      degree[e.b]!++;
    }
    for (let i = 0; i < n; i++) value -= maxDegree[i]! * pi[i + offset]!;
    if (value > best + 1e-6) {
      best = value;
      stale = 0;
    } else if (++stale >= 5) {
      lambda /= 2;
      stale = 0;
    }
    // Subgradient: degree above the allowed raises π, below lowers it (never under 0).
    let norm = 0;
    const g = new Float64Array(size);
    for (let i = 0; i < n; i++) {
      g[i + offset] = degree[i + offset]! - maxDegree[i]!;
      norm += g[i + offset]! ** 2;
    }
    if (norm === 0 || lambda < 1e-4) break;
    const step = (lambda * Math.max(upper - value, 1)) / norm;
    for (let i = offset; i < size; i++) pi[i] = Math.max(0, pi[i]! + step * g[i]!);
  }
  return best;
}

/** Prim's minimum spanning tree on a complete graph given by a weight function: O(n²). */
function primForest(size: number, weight: (a: number, b: number) => number): { edges: { a: number; b: number; weight: number }[] } {
  const inTree = new Uint8Array(size);
  const bestWeight = new Float64Array(size).fill(Number.POSITIVE_INFINITY);
  const parent = new Int32Array(size).fill(-1);
  const edges: { a: number; b: number; weight: number }[] = [];
  bestWeight[0] = 0;
  for (let step = 0; step < size; step++) {
    let v = -1;
    for (let i = 0; i < size; i++) if (!inTree[i] && (v < 0 || bestWeight[i]! < bestWeight[v]!)) v = i;
    inTree[v] = 1;
    if (parent[v]! >= 0) edges.push({ a: parent[v]!, b: v, weight: bestWeight[v]! });
    for (let i = 0; i < size; i++) {
      if (inTree[i]) continue;
      const x = weight(v, i);
      if (x < bestWeight[i]!) {
        bestWeight[i] = x;
        parent[i] = v;
      }
    }
  }
  return { edges };
}
