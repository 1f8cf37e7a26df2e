import { addCpu, type CpuSnapshot, cpuSnapshot, cpuSpent } from './cpu.js';

/** Timings of one side of a scenario: per-operation latencies and the items they handled. */
export interface Sample {
  /** Milliseconds per operation. */
  latencies: number[];
  /** Wall-clock milliseconds the measured operations took, all clients together. */
  elapsedMs: number;
  /** Things done (requests, or positions for ingest). */
  items: number;
  /** CPU ticks spent while it ran (alternate and interleave measure it; bench/cpu.ts). */
  cpu?: CpuSnapshot;
}

export function emptySample(): Sample {
  return { latencies: [], elapsedMs: 0, items: 0 };
}

export function merge(a: Sample, b: Sample): Sample {
  return {
    latencies: [...a.latencies, ...b.latencies],
    elapsedMs: a.elapsedMs + b.elapsedMs,
    items: a.items + b.items,
    cpu: addCpu(a.cpu, b.cpu),
  };
}

/** `run()`'s sample with the CPU the machine spent meanwhile. */
async function measured(run: () => Promise<Sample>): Promise<Sample> {
  const before = cpuSnapshot();
  const sample = await run();
  return { ...sample, cpu: cpuSpent(before, cpuSnapshot()) };
}

/** Nearest-rank percentile of `values` (0 < p ≤ 100). */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export const median = (values: number[]) => percentile(values, 50);

/** Items per second. */
export const throughput = (s: Sample) => (s.elapsedMs > 0 ? (s.items * 1000) / s.elapsedMs : Number.NaN);

/**
 * `clients` loops at once, each running `task(client, i)` for i = 0 … perClient − 1 one
 * after another; `task` returns how many items it handled. The clock runs from the first
 * start to the last finish.
 */
export async function concurrently(
  clients: number,
  perClient: number,
  task: (client: number, i: number) => Promise<number>,
): Promise<Sample> {
  const latencies: number[] = [];
  let items = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let i = 0; i < perClient; i++) {
        const t = performance.now();
        const done = await task(client, i);
        latencies.push(performance.now() - t);
        items += done;
      }
    }),
  );
  return { latencies, elapsedMs: performance.now() - start, items };
}

/**
 * Runs the API side and the raw side in alternating rounds (api, raw, api, raw …) after a
 * warm-up of both, so a burst of load from elsewhere on the machine lands on both sides
 * rather than on one.
 */
export async function alternate(
  rounds: number,
  warmup: () => Promise<void>,
  api: (round: number) => Promise<Sample>,
  raw: (round: number) => Promise<Sample>,
): Promise<{ api: Sample; raw: Sample }> {
  await warmup();
  let a = emptySample();
  let r = emptySample();
  for (let round = 0; round < rounds; round++) {
    a = merge(a, await measured(() => api(round)));
    r = merge(r, await measured(() => raw(round)));
  }
  return { api: a, raw: r };
}

/**
 * Like `alternate`, for any number of sides: after a warm-up of all of them, each round
 * runs every side once, in turn (a, b, c, a, b, c …), so load from elsewhere on the machine
 * lands on all of them.
 */
export async function interleave<K extends string>(
  rounds: number,
  warmup: () => Promise<void>,
  sides: Record<K, (round: number) => Promise<Sample>>,
): Promise<Record<K, Sample>> {
  await warmup();
  const names = Object.keys(sides) as K[];
  const samples = Object.fromEntries(names.map((n) => [n, emptySample()])) as Record<K, Sample>;
  for (let round = 0; round < rounds; round++) for (const n of names) samples[n] = merge(samples[n], await measured(() => sides[n](round)));
  return samples;
}

export const ms = (v: number) => (Number.isNaN(v) ? '–' : v >= 100 ? `${v.toFixed(0)} ms` : `${v.toFixed(1)} ms`);
export const perSecond = (v: number, unit: string) =>
  Number.isNaN(v) ? '–' : `${v >= 100 ? Math.round(v).toLocaleString('en-GB') : v.toFixed(1)} ${unit}/s`;
export const megabytes = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;
