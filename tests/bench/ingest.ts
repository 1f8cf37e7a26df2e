import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { RecordPositionsDocument } from '@vigil/schema';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BenchUnit } from './dataset.js';
import { GraphQLClient } from './http.js';
import { positionAt } from './london.js';
import { alternate, concurrently, median, megabytes, ms, percentile, perSecond, throughput } from './measure.js';
import { type Context, type Row, times, verdict } from './scenario.js';

export const CLIENTS = 10;
export const BATCH = 500;

/** Fixes `batch` of a unit: one a second, continuing its path from the end of the loaded day. */
function fixes(unit: BenchUnit, dayTo: number, batch: number) {
  return Array.from({ length: BATCH }, (_, k) => {
    const t = dayTo + batch * BATCH + k;
    const [longitude, latitude] = positionAt(unit.path, t);
    return { t, longitude, latitude };
  });
}

/**
 * Ingest: 10 devices at once, each sending batches of 500 fixes (its own unit, one fix a
 * second, 8 minutes of driving per batch), each batch sent when the last is acknowledged.
 * Through `recordPositions` (checks, insert, visit detection and the audit line in one
 * transaction per batch, then the live announcement) against COPY FROM STDIN
 * (pg-copy-streams) of the same kind of rows into the same table, one COPY per batch on
 * 10 connections. The two sides use
 * different units over the same times, so neither meets the other's rows.
 */
export async function ingestScenario(ctx: Context): Promise<Row> {
  const { dayTo } = ctx.dataset;
  const apiUnits = ctx.dataset.units.slice(0, CLIENTS);
  const copyUnits = ctx.dataset.units.slice(CLIENTS, 2 * CLIENTS);
  const perRound = ctx.quick ? 6 : 15;
  const apis = apiUnits.map((u) => new GraphQLClient(ctx.server.url, ctx.server.deviceTokens.get(u.id)!));
  const raws = await Promise.all(
    copyUnits.map(async () => {
      const c = new pg.Client({ connectionString: ctx.dbUrl, application_name: 'vigil-bench-raw' });
      await c.connect();
      return c;
    }),
  );
  try {
    const viaApi = async (client: number, batch: number) => {
      const unit = apiUnits[client]!;
      const positions = fixes(unit, dayTo, batch).map((f) => ({
        recordedAt: new Date(f.t * 1000).toISOString(),
        longitude: f.longitude,
        latitude: f.latitude,
        accuracy: 5,
      }));
      const { recordPositions } = await apis[client]!.request(RecordPositionsDocument, { unitId: unit.id, positions });
      if (recordPositions.accepted !== BATCH)
        throw new Error(`ingest: ${recordPositions.accepted} of ${BATCH} accepted (${JSON.stringify(recordPositions.rejected[0] ?? {})})`);
      return BATCH;
    };
    const viaCopy = async (client: number, batch: number) => {
      const unit = copyUnits[client]!;
      const text = fixes(unit, dayTo, batch)
        .map((f) => `${unit.id}\t${new Date(f.t * 1000).toISOString()}\tSRID=4326;POINT(${f.longitude} ${f.latitude})\t5\t\\N\t\\N\n`)
        .join('');
      const stream = raws[client]!.query(copyFrom('COPY positions (unit_id, recorded_at, location, accuracy, speed, heading) FROM STDIN'));
      await pipeline(Readable.from([text]), stream);
      if (stream.rowCount !== BATCH) throw new Error(`ingest: COPY stored ${stream.rowCount} of ${BATCH}`);
      return BATCH;
    };

    const result = await alternate(
      2,
      async () => {
        await concurrently(CLIENTS, 1, (c) => viaApi(c, 0));
        await concurrently(CLIENTS, 1, (c) => viaCopy(c, 0));
      },
      (round) => concurrently(CLIENTS, perRound, (c, i) => viaApi(c, 1 + round * perRound + i)),
      (round) => concurrently(CLIENTS, perRound, (c, i) => viaCopy(c, 1 + round * perRound + i)),
    );
    const rate = throughput(result.api);
    const ratio = rate / throughput(result.raw);
    ctx.log(`ingest: ${result.api.items} positions through recordPositions, ${result.raw.items} by COPY`);
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
      note: `${result.api.items} positions per side (${result.api.latencies.length} batches) over 2 alternating rounds; latencies are per batch of ${BATCH}.`,
    };
  } finally {
    for (const a of apis) a.close();
    await Promise.all(raws.map((c) => c.end()));
  }
}
