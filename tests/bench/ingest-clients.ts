/**
 * The clients of the ingest scenario (bench/ingest.ts), in a worker thread
 * (bench/workers.ts): 10 devices through recordPositions, and 10 `pg` connections doing
 * COPY FROM STDIN of the same kind of batches for 10 other units.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { workerData } from 'node:worker_threads';
import { RecordPositionsDocument } from '@vigil/schema';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { GraphQLClient } from './http.js';
import { positionAt, type UnitPath } from './london.js';
import { concurrently } from './measure.js';
import { serve } from './workers.js';

export interface IngestClientsData {
  serverUrl: string;
  dbUrl: string;
  /** The API side's units, each with its device token. */
  apiUnits: { id: string; path: UnitPath; token: string }[];
  /** The COPY side's units. */
  copyUnits: { id: string; path: UnitPath }[];
  /**
   * Units of their own for each side's warm-up, so the measured units' paths are all the
   * rounds': a client's k-th warm-up batch is batch `firstBatch + k % batchesPerUnit` of
   * its unit `client + clients × ⌊k / batchesPerUnit⌋`.
   */
  warmUp: {
    api: { id: string; path: UnitPath; token: string }[];
    copy: { id: string; path: UnitPath }[];
    firstBatch: number;
    batchesPerUnit: number;
  };
  /** Epoch seconds the loaded day ends at: batches continue each unit's path from there. */
  dayTo: number;
  batch: number;
}

export type IngestCommand =
  | { type: 'run'; side: 'api' | 'copy'; firstBatch: number; perClient: number; warmUp?: boolean }
  | { type: 'close' };

const data = workerData as IngestClientsData;
const apis = data.apiUnits.map((u) => new GraphQLClient(data.serverUrl, u.token));
const warmApis = data.warmUp.api.map((u) => new GraphQLClient(data.serverUrl, u.token));
const raws = await Promise.all(
  data.copyUnits.map(async () => {
    const c = new pg.Client({ connectionString: data.dbUrl, application_name: 'vigil-bench-raw' });
    await c.connect();
    return c;
  }),
);

/** Fixes `batch` of a unit: one a second, continuing its path from the end of the loaded day. */
function fixes(path: UnitPath, batch: number) {
  return Array.from({ length: data.batch }, (_, k) => {
    const t = data.dayTo + batch * data.batch + k;
    const [longitude, latitude] = positionAt(path, t);
    return { t, longitude, latitude };
  });
}

/** Which warm-up unit and batch a client's k-th warm-up batch is (see IngestClientsData.warmUp). */
function warmUpBatch(client: number, clients: number, k: number) {
  const { firstBatch, batchesPerUnit } = data.warmUp;
  return { unit: client + clients * Math.floor(k / batchesPerUnit), batch: firstBatch + (k % batchesPerUnit) };
}

const sides = {
  async api(client: number, k: number, warmUp: boolean) {
    const { unit: at, batch } = warmUp ? warmUpBatch(client, apis.length, k) : { unit: client, batch: k };
    const unit = (warmUp ? data.warmUp.api : data.apiUnits)[at]!;
    const positions = fixes(unit.path, batch).map((f) => ({
      recordedAt: new Date(f.t * 1000).toISOString(),
      longitude: f.longitude,
      latitude: f.latitude,
      accuracy: 5,
    }));
    const { recordPositions } = await (warmUp ? warmApis : apis)[at]!.request(RecordPositionsDocument, { unitId: unit.id, positions });
    if (recordPositions.accepted !== data.batch)
      throw new Error(
        `ingest: ${recordPositions.accepted} of ${data.batch} accepted (${JSON.stringify(recordPositions.rejected[0] ?? {})})`,
      );
    return data.batch;
  },
  async copy(client: number, k: number, warmUp: boolean) {
    const { unit: at, batch } = warmUp ? warmUpBatch(client, raws.length, k) : { unit: client, batch: k };
    const unit = (warmUp ? data.warmUp.copy : data.copyUnits)[at]!;
    const text = fixes(unit.path, batch)
      .map((f) => `${unit.id}\t${new Date(f.t * 1000).toISOString()}\tSRID=4326;POINT(${f.longitude} ${f.latitude})\t5\t\\N\t\\N\n`)
      .join('');
    const stream = raws[client]!.query(copyFrom('COPY positions (unit_id, recorded_at, location, accuracy, speed, heading) FROM STDIN'));
    await pipeline(Readable.from([text]), stream);
    if (stream.rowCount !== data.batch) throw new Error(`ingest: COPY stored ${stream.rowCount} of ${data.batch}`);
    return data.batch;
  },
};

serve<IngestCommand>(async (command) => {
  if (command.type === 'close') {
    for (const a of [...apis, ...warmApis]) a.close();
    await Promise.all(raws.map((c) => c.end()));
    return null;
  }
  const run = sides[command.side];
  const clients = command.side === 'api' ? apis.length : raws.length;
  return concurrently(clients, command.perClient, (c, i) => run(c, command.firstBatch + i, command.warmUp ?? false));
});
