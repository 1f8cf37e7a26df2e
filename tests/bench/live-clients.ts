/**
 * The clients of the live scenario, in a worker thread of their own: 500 devices and 50
 * dashboards would otherwise share the server's event loop (in the field they are other
 * machines), and their work would be counted as the server's latency. Acknowledgements and
 * deliveries are both timed here, on one clock.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RecordPositionsDocument, UnitPositionsDocument } from '@vigil/schema';
import { type Client, createClient } from 'graphql-ws';
import pg from 'pg';
import WebSocket from 'ws';
import { GraphQLClient, printed } from './http.js';
import { positionAt, type UnitPath } from './london.js';

export interface LiveClientsData {
  serverUrl: string;
  /** The raw side's relay: LISTEN → plain WebSocket. */
  rawUrl: string;
  dbUrl: string;
  analystTokens: string[];
  units: { id: string; path: UnitPath; token: string }[];
  subscribers: number;
  periodMs: number;
}

export type LiveCommand =
  | { type: 'subscribe' }
  | { type: 'run'; side: 'api' | 'raw'; seconds: number; drainMs: number }
  | { type: 'close' };

export interface RunResult {
  /** Delivery time − acknowledgement time, ms, one per delivery. */
  latencies: number[];
  /** Delivery time − send time, ms. */
  fromSend: number[];
  /** Acknowledgement time − send time, ms, one per fix. */
  requests: number[];
  expected: number;
  missing: number;
  errors: string[];
}

export type LiveReply =
  | { type: 'subscribed' }
  | { type: 'result'; result: RunResult }
  | { type: 'closed' }
  | { type: 'error'; message: string };

const data = workerData as LiveClientsData;
const sleep = (msecs: number) => new Promise((r) => setTimeout(r, Math.max(0, msecs)));
const keyOf = (unitId: string, time: number) => `${unitId}@${time}`;

/** Send, acknowledgement and delivery times (performance.now()) of one run. */
class Clock {
  readonly sends = new Map<string, number>();
  readonly acks = new Map<string, number>();
  readonly deliveries: [string, number][] = [];
  readonly errors: string[] = [];

  result(subscribers: number): RunResult {
    const latencies: number[] = [];
    const fromSend: number[] = [];
    for (const [key, at] of this.deliveries) {
      const ack = this.acks.get(key);
      if (ack === undefined) continue;
      latencies.push(at - ack);
      fromSend.push(at - this.sends.get(key)!);
    }
    const requests = [...this.acks].map(([key, at]) => at - this.sends.get(key)!);
    const expected = this.acks.size * subscribers;
    return { latencies, fromSend, requests, expected, missing: Math.max(0, expected - latencies.length), errors: this.errors.slice(0, 5) };
  }
}

let clock = new Clock();

/**
 * Every unit sends one fix every period for `seconds`, the units spread evenly over the
 * period; each waits for its acknowledgement before the next, as a device does. Fix times
 * are the wall clock, so they continue each unit's path after everything stored before.
 */
async function drive(seconds: number, send: (unit: LiveClientsData['units'][number], time: number) => Promise<void>): Promise<void> {
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    data.units.map(async (unit, k) => {
      for (let next = start + (k / data.units.length) * data.periodMs; next < end; next += data.periodMs) {
        await sleep(next - performance.now());
        try {
          await send(unit, Date.now());
        } catch (error) {
          clock.errors.push(error instanceof Error ? error.message : String(error));
        }
      }
    }),
  );
}

async function drain(drainMs: number): Promise<void> {
  const until = performance.now() + drainMs;
  while (performance.now() < until && clock.deliveries.length < clock.acks.size * data.subscribers) await sleep(50);
}

// The API side: dashboards on graphql-ws, devices calling recordPositions over HTTP.
const wsUrl = `${data.serverUrl.replace(/^http/, 'ws')}/graphql`;
let dashboards: Client[] = [];
const devices = new Map(data.units.map((u) => [u.id, new GraphQLClient(data.serverUrl, u.token)]));

function subscribeDashboards(): void {
  const query = printed(UnitPositionsDocument);
  dashboards = Array.from({ length: data.subscribers }, (_, k) => {
    const token = data.analystTokens[k % data.analystTokens.length]!;
    const client = createClient({
      url: wsUrl,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${token}` },
      retryAttempts: 0,
    });
    client.subscribe<{ unitPositions: { unit: { id: string }; positions: { recordedAt: string }[] } }>(
      { query },
      {
        next(result) {
          const at = performance.now();
          const event = result.data?.unitPositions;
          if (event?.positions.length) clock.deliveries.push([keyOf(event.unit.id, Date.parse(event.positions[0]!.recordedAt)), at]);
        },
        error(error) {
          clock.errors.push(`subscription: ${error instanceof Error ? error.message : JSON.stringify(error)}`);
        },
        complete() {},
      },
    );
    return client;
  });
}

async function sendViaApi(unit: LiveClientsData['units'][number], time: number): Promise<void> {
  const [longitude, latitude] = positionAt(unit.path, time / 1000);
  const key = keyOf(unit.id, time);
  clock.sends.set(key, performance.now());
  const { recordPositions } = await devices.get(unit.id)!.request(RecordPositionsDocument, {
    unitId: unit.id,
    positions: [{ recordedAt: new Date(time).toISOString(), longitude, latitude, accuracy: 5 }],
  });
  if (recordPositions.accepted !== 1) throw new Error(`fix refused: ${JSON.stringify(recordPositions.rejected)}`);
  clock.acks.set(key, performance.now());
}

// The raw side: plain WebSocket clients of the relay, devices inserting through pg and
// announcing with pg_notify on one sender connection.
let rawSockets: WebSocket[] = [];
let pool: pg.Pool | null = null;
let sender: pg.Client | null = null;
let notified: Promise<unknown> = Promise.resolve();

async function openRaw(): Promise<void> {
  rawSockets = await Promise.all(
    Array.from(
      { length: data.subscribers },
      () =>
        new Promise<WebSocket>((resolve, reject) => {
          const ws = new WebSocket(data.rawUrl);
          ws.on('message', (message) => {
            const at = performance.now();
            const m = JSON.parse(String(message)) as { unitId: string; fixes: [number, ...unknown[]][] };
            clock.deliveries.push([keyOf(m.unitId, m.fixes[0]![0]), at]);
          });
          ws.once('open', () => resolve(ws));
          ws.once('error', reject);
        }),
    ),
  );
  pool = new pg.Pool({ connectionString: data.dbUrl, max: 10, application_name: 'vigil-bench-raw' });
  sender = new pg.Client({ connectionString: data.dbUrl, application_name: 'vigil-bench-raw-notify' });
  await sender.connect();
}

async function sendRaw(unit: LiveClientsData['units'][number], time: number): Promise<void> {
  const [lon, lat] = positionAt(unit.path, time / 1000);
  const key = keyOf(unit.id, time);
  clock.sends.set(key, performance.now());
  const { rows } = await pool!.query<{ received_at: Date }>(
    `insert into positions (unit_id, recorded_at, location, accuracy) values ($1, $2, ST_SetSRID(ST_MakePoint($3, $4), 4326), 5)
     returning received_at`,
    [unit.id, new Date(time), lon, lat],
  );
  clock.acks.set(key, performance.now());
  const payload = JSON.stringify({ unitId: unit.id, storedAt: rows[0]!.received_at, fixes: [[time, lon, lat, 5, null, null]] });
  // One statement at a time on the sender, in order, as the server's notify queue does.
  const notify = notified.then(() => sender!.query('select pg_notify($1, $2)', ['bench_raw', payload]));
  notified = notify.catch(() => {});
  await notify;
}

parentPort!.on('message', async (command: LiveCommand) => {
  try {
    if (command.type === 'subscribe') {
      subscribeDashboards();
      await openRaw();
      parentPort!.postMessage({ type: 'subscribed' } satisfies LiveReply);
    } else if (command.type === 'run') {
      clock = new Clock();
      await drive(command.seconds, command.side === 'api' ? sendViaApi : sendRaw);
      await drain(command.drainMs);
      parentPort!.postMessage({ type: 'result', result: clock.result(data.subscribers) } satisfies LiveReply);
    } else {
      for (const d of devices.values()) d.close();
      await Promise.all(dashboards.map((c) => c.dispose()));
      for (const ws of rawSockets) ws.close();
      await sender?.end();
      await pool?.end();
      parentPort!.postMessage({ type: 'closed' } satisfies LiveReply);
    }
  } catch (error) {
    parentPort!.postMessage({
      type: 'error',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    } satisfies LiveReply);
  }
});
