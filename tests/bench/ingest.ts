import { cpuCell } from './cpu.js';
import type { BenchUnit } from './dataset.js';
import type { IngestClientsData, IngestCommand } from './ingest-clients.js';
import { alternate, median, megabytes, ms, percentile, perSecond, type Sample, throughput } from './measure.js';
import { type Context, type Row, times, verdict } from './scenario.js';
import { ClientWorker } from './workers.js';

export const CLIENTS = 10;
export const BATCH = 500;
/**
 * The warm-up before the measured rounds: long enough for V8 to have compiled the server's
 * path. With one batch a device, TurboFan was still compiling through the rounds on its own
 * threads, and with 30 it still took 70-116 ms a round of 70 batches (1-1.6 ms a batch).
 * Each unit's fixes continue its path a second apart from the loaded day's end, at least 6
 * hours back (bench/dataset.ts), so a unit has 43 batches within the clock check: the
 * warm-up has units of its own, among the dataset's last 60, and sends their batches 13 to
 * 42 (the replicas scenario sends batch 0, 1 or 2 of every unit from the 21st on). COPY's
 * side (pg-copy-streams in the clients' worker) is warm after a few batches.
 */
const WARMUP = { batchesPerUnit: 30, firstBatch: 13, apiUnits: 50, apiBatches: 150, copyBatches: 30 };

/**
 * Ingest: 10 devices at once, each sending batches of 500 fixes (its own unit, one fix a
 * second, 8 minutes of driving per batch), each batch sent when the last is acknowledged.
 * Through `recordPositions` (checks, insert, visit detection and the audit line in one
 * transaction per batch, then the live announcement) against COPY FROM STDIN
 * (pg-copy-streams) of the same kind of rows into the same table, one COPY per batch on
 * 10 connections. The two sides use different units over the same times, so neither
 * meets the other's rows. The clients of both run in a worker thread (bench/ingest-clients.ts).
 */
export async function ingestScenario(ctx: Context): Promise<Row> {
  const { dayTo } = ctx.dataset;
  // Four alternating rounds of 7 batches a device rather than two of 15: the ratio of two runs
  // differed by a fifth on a shared machine. (The fixes continue each unit's path a second
  // apart from the loaded day's end, so the batches in all must stay within the clock check.)
  const perRound = ctx.quick ? 6 : 7;
  const rounds = ctx.quick ? 2 : 4;
  const unit = (u: BenchUnit) => ({ id: u.id, path: u.path });
  const data: IngestClientsData = {
    serverUrl: ctx.server.url,
    dbUrl: ctx.dbUrl,
    apiUnits: ctx.dataset.units.slice(0, CLIENTS).map((u) => ({ ...unit(u), token: ctx.server.deviceTokens.get(u.id)! })),
    copyUnits: ctx.dataset.units.slice(CLIENTS, 2 * CLIENTS).map(unit),
    warmUp: {
      api: ctx.dataset.units
        .slice(-WARMUP.apiUnits - CLIENTS, -CLIENTS)
        .map((u) => ({ ...unit(u), token: ctx.server.deviceTokens.get(u.id)! })),
      copy: ctx.dataset.units.slice(-CLIENTS).map(unit),
      firstBatch: WARMUP.firstBatch,
      batchesPerUnit: WARMUP.batchesPerUnit,
    },
    dayTo,
    batch: BATCH,
  };
  const clients = new ClientWorker(new URL('./ingest-clients.ts', import.meta.url), data);
  try {
    const run = (side: 'api' | 'copy', firstBatch: number, perClient: number, warmUp = false) =>
      clients.call<Sample>({ type: 'run', side, firstBatch, perClient, warmUp } satisfies IngestCommand);
    const result = await alternate(
      rounds,
      async () => {
        await run('api', 0, WARMUP.apiBatches, true);
        await run('copy', 0, WARMUP.copyBatches, true);
        await ctx.restartProfile();
      },
      (round) => run('api', round * perRound, perRound),
      (round) => run('copy', round * perRound, perRound),
    );
    const rate = throughput(result.api);
    const ratio = rate / throughput(result.raw);
    ctx.log(`ingest: ${result.api.items} positions through recordPositions, ${result.raw.items} by COPY`);
    const cpu = `API: ${cpuCell(result.api.cpu, result.api.latencies.length, 'batch')}; COPY: ${cpuCell(result.raw.cpu, result.raw.latencies.length, 'batch')}`;
    ctx.log(`ingest: ${cpu}`);
    return {
      scenario: `ingest: recordPositions, batches of ${BATCH}, ${CLIENTS} devices`,
      median: ms(median(result.api.latencies)),
      p95: ms(percentile(result.api.latencies, 95)),
      throughput: perSecond(rate, 'pos'),
      baseline: `COPY FROM STDIN, ${CLIENTS} connections: ${ms(median(result.raw.latencies))} / ${ms(percentile(result.raw.latencies, 95))} a batch, ${perSecond(throughput(result.raw), 'pos')}`,
      ratio: `${times(ratio)} throughput`,
      target: '≥ 0.50× COPY throughput',
      verdict: verdict(ratio >= 0.5),
      rss: megabytes(process.memoryUsage().rss),
      note: `${result.api.items} positions per side (${result.api.latencies.length} batches) over ${rounds} alternating rounds; latencies are per batch of ${BATCH}. An API batch is BEGIN, the unit's lock, one read of the stored fixes around the batch's times, one statement (insert, stale reach marks, audit line, visit detection) and COMMIT; then its live announcement (NOTIFY). The clients of both sides run in a worker thread, the server in the main one. ${cpu}.`,
    };
  } finally {
    await clients.close();
  }
}
