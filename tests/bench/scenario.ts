import type { Dataset } from './dataset.js';
import type { BenchServer } from './server.js';

/** One line of the results table. */
export interface Row {
  scenario: string;
  median: string;
  p95: string;
  throughput: string;
  /** The same work done raw, in the same process on the same data. */
  baseline: string;
  /** API ÷ raw, on the measure the target is about (said in the cell). */
  ratio: string;
  /** The target for this row, and whether this run met it. */
  target: string;
  verdict: 'PASS' | 'MISS' | '';
  /** Resident memory of this process (server, clients and baselines) after the scenario. */
  rss: string;
  /** What the row measured, for the notes under the table. */
  note?: string;
}

export interface Context {
  quick: boolean;
  dbUrl: string;
  dataset: Dataset;
  server: BenchServer;
  log(message: string): void;
  /** With --profile: drops what was profiled so far (a warm-up) and starts again. */
  restartProfile(): Promise<void>;
}

export function verdict(ok: boolean): 'PASS' | 'MISS' {
  return ok ? 'PASS' : 'MISS';
}

export const times = (v: number) => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');
