/**
 * CPU spent while a side of a scenario runs, from /proc (Linux): by PostgreSQL's
 * processes, by this process's main thread (the server), by its other threads (the
 * clients' worker, V8's helpers), and by the whole machine. On a shared 2-core machine
 * the ratios are ratios of CPU per unit once both cores are busy; this says where it went.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The threads running bench clients (bench/workers.ts reports each worker's). */
export const clientThreads = new Set<number>();

/** This thread's id in /proc (Linux), or null. */
export function threadId(): number | null {
  try {
    return Number(readlinkSync('/proc/thread-self').split('/').pop());
  } catch {
    return null;
  }
}

export interface CpuSnapshot {
  postgres: number;
  main: number;
  clients: number;
  others: number;
  machineBusy: number;
  machineTotal: number;
}

/** Clock ticks a second (USER_HZ), 100 on every Linux that Node runs on. */
const HZ = 100;

/** utime + stime of a /proc/…/stat line, in ticks (fields 14 and 15, after the command in parentheses). */
function ticks(path: string): number {
  try {
    const text = readFileSync(path, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0; // the process or thread ended between listing and reading
  }
}

function postgresTicks(): number {
  let sum = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    sum += ticks(`/proc/${pid}/stat`);
  }
  return sum;
}

export function cpuSnapshot(): CpuSnapshot | null {
  try {
    const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n');
    const values = cpu!.trim().split(/\s+/).slice(1).map(Number);
    const idle = values[3]! + values[4]!;
    const total = values.slice(0, 8).reduce((a, b) => a + b, 0);
    const main = ticks(`/proc/${process.pid}/task/${process.pid}/stat`);
    let clients = 0;
    for (const tid of clientThreads) clients += ticks(`/proc/${process.pid}/task/${tid}/stat`);
    const all = ticks(`/proc/${process.pid}/stat`);
    return { postgres: postgresTicks(), main, clients, others: all - main - clients, machineBusy: total - idle, machineTotal: total };
  } catch {
    return null; // not Linux
  }
}

/** The two snapshots combined field by field. */
function combine(a: CpuSnapshot, b: CpuSnapshot, op: (x: number, y: number) => number): CpuSnapshot {
  return Object.fromEntries(
    Object.keys(a).map((k) => [k, op(a[k as keyof CpuSnapshot], b[k as keyof CpuSnapshot])]),
  ) as unknown as CpuSnapshot;
}

/** Ticks spent between two snapshots. */
export function cpuSpent(before: CpuSnapshot | null, after: CpuSnapshot | null): CpuSnapshot | undefined {
  return before && after ? combine(after, before, (x, y) => x - y) : undefined;
}

export function addCpu(a: CpuSnapshot | undefined, b: CpuSnapshot | undefined): CpuSnapshot | undefined {
  return a && b ? combine(a, b, (x, y) => x + y) : (a ?? b);
}

/** Milliseconds of CPU per item of what was spent, and how busy the machine was. */
export function cpuPer(spent: CpuSnapshot | undefined, items: number) {
  if (!spent || items === 0) return null;
  const per = (t: number) => (t * (1000 / HZ)) / items;
  return {
    postgres: per(spent.postgres),
    main: per(spent.main),
    clients: per(spent.clients),
    others: per(spent.others),
    busyShare: spent.machineBusy / Math.max(1, spent.machineTotal),
  };
}

/** "PostgreSQL 13.1 + server 4.2 + others 3.9 = 21.2 ms, 94 % busy" for a unit (a request, a batch). */
export function cpuCell(spent: CpuSnapshot | undefined, items: number, unit: string): string {
  const c = cpuPer(spent, items);
  if (!c) return 'CPU not measured (no /proc)';
  const f = (v: number) => v.toFixed(1);
  return `CPU a ${unit}: PostgreSQL ${f(c.postgres)} + server thread ${f(c.main)} + clients ${f(c.clients)} + V8's and libuv's threads ${f(c.others)} = ${f(c.postgres + c.main + c.clients + c.others)} ms (machine ${Math.round(c.busyShare * 100)} % busy)`;
}
