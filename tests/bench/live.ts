import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { WebSocketServer } from 'ws';
import type { LiveClientsData, LiveCommand, LiveReply, RunResult } from './live-clients.js';
import { megabytes, ms, percentile } from './measure.js';
import { type Context, type Row, times, verdict } from './scenario.js';

export const SUBSCRIBERS = 50;
/** Each device sends its fix every 5 s (the demo devices' ping interval). */
export const PERIOD_MS = 5000;

/** The clients' worker, one command at a time. */
class Clients {
  private readonly worker: Worker;
  private pending: { resolve: (reply: LiveReply) => void; reject: (error: Error) => void } | null = null;

  constructor(data: LiveClientsData) {
    // A worker does not inherit tsx's loader: it registers it, then loads the TypeScript.
    const entry = JSON.stringify(new URL('./live-clients.ts', import.meta.url).href);
    this.worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${entry}); })`, {
      eval: true,
      workerData: data,
    });
    this.worker.on('message', (reply: LiveReply) => {
      const p = this.pending;
      this.pending = null;
      if (reply.type === 'error') p?.reject(new Error(`live clients: ${reply.message}`));
      else p?.resolve(reply);
    });
    this.worker.on('error', (error) => {
      this.pending?.reject(error);
      this.pending = null;
    });
    this.worker.on('exit', (code) => {
      this.pending?.reject(new Error(`live clients: the worker exited (${code})`));
      this.pending = null;
    });
  }

  send(command: LiveCommand): Promise<LiveReply> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(command);
    });
  }

  async run(side: 'api' | 'raw', seconds: number, drainMs: number): Promise<RunResult> {
    const reply = await this.send({ type: 'run', side, seconds, drainMs });
    if (reply.type !== 'result') throw new Error(`live clients answered ${reply.type}`);
    return reply.result;
  }

  async close(): Promise<void> {
    await this.send({ type: 'close' }).catch(() => {});
    await this.worker.terminate();
  }
}

/**
 * The raw side's server: one LISTEN connection that passes each notification, as it is,
 * to every plain WebSocket client.
 */
async function startRelay(ctx: Context, dbUrl: string) {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const listener = new pg.Client({ connectionString: dbUrl, application_name: 'vigil-bench-raw-listen' });
  listener.on('error', (error) => ctx.log(`live: relay: ${error.message}`));
  await listener.connect();
  await listener.query('listen bench_raw');
  listener.on('notification', (n) => {
    for (const ws of wss.clients) ws.send(n.payload ?? '');
  });
  return {
    url: `ws://127.0.0.1:${(http.address() as AddressInfo).port}`,
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      http.close();
      await listener.end();
    },
  };
}

const count = async (admin: pg.Client) =>
  Number((await admin.query(`select count(*) as n from audit_events where operation = 'unitPositions'`)).rows[0].n);

/**
 * Live latency: 500 devices each sending a fix every 5 s (recordPositions, one fix), 50
 * dashboards subscribed to `unitPositions` over graphql-ws; the time from a device's
 * acknowledgement to each dashboard's delivery (p50 and p99 over every delivery). Beside it
 * the same fan-out done raw: insert through pg, pg_notify, one LISTEN connection relaying
 * to 50 plain WebSocket clients. The clients run in a worker thread; the servers here.
 */
export async function liveScenario(ctx: Context): Promise<Row> {
  const seconds = ctx.quick ? 10 : 15;
  // One round of 15 s a side, 75,000 deliveries for the p99 (two rounds of 20 s before: the full run has to stay under 6 minutes).
  const rounds = 1;
  const admin = new pg.Client({ connectionString: ctx.dbUrl, application_name: 'vigil-bench' });
  await admin.connect();
  const relay = await startRelay(ctx, ctx.dbUrl);
  const clients = new Clients({
    serverUrl: ctx.server.url,
    rawUrl: relay.url,
    dbUrl: ctx.dbUrl,
    analystTokens: ctx.server.analystTokens,
    units: ctx.dataset.units.map((u) => ({ id: u.id, path: u.path, token: ctx.server.deviceTokens.get(u.id)! })),
    subscribers: SUBSCRIBERS,
    periodMs: PERIOD_MS,
  });
  try {
    const before = await count(admin);
    await clients.send({ type: 'subscribe' });
    // The server writes a subscription's audit line once it listens: from then on nothing is missed.
    for (let tries = 0; (await count(admin)) - before < SUBSCRIBERS; tries++) {
      if (tries > 600) throw new Error('live: the subscriptions did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    // Warm-up: one period on each side, every delivery awaited (each subscription looks up
    // each unit once, sockets and plans warm up), not counted.
    const warm = await clients.run('api', PERIOD_MS / 1000, 180_000);
    ctx.log(
      `live: warm-up ${warm.expected - warm.missing} of ${warm.expected} deliveries, ack → delivery p50 ${ms(percentile(warm.latencies, 50))}, send → delivery p99 ${ms(percentile(warm.fromSend, 99))}`,
    );
    await clients.run('raw', PERIOD_MS / 1000, 30_000);
    await ctx.restartProfile();

    const api: RunResult[] = [];
    const raw: RunResult[] = [];
    for (let round = 0; round < rounds; round++) {
      api.push(await clients.run('api', seconds, 60_000));
      raw.push(await clients.run('raw', seconds, 30_000));
    }
    const all = (results: RunResult[], pick: (r: RunResult) => number[]) => results.flatMap(pick);
    const latencies = all(api, (r) => r.latencies);
    const fromSend = all(api, (r) => r.fromSend);
    const requests = all(api, (r) => r.requests);
    const rawLatencies = all(raw, (r) => r.latencies);
    const missing = api.reduce((sum, r) => sum + r.missing, 0);
    const expected = api.reduce((sum, r) => sum + r.expected, 0);
    const errors = [...api, ...raw].flatMap((r) => r.errors);
    const p99 = percentile(latencies, 99);
    const rawP99 = percentile(rawLatencies, 99);
    ctx.log(
      `live: ${requests.length} fixes acknowledged, ${latencies.length} deliveries, ${missing} missing, ${errors.length} errors${errors.length ? ` (${errors[0]})` : ''}; ` +
        `send → ack p50 ${ms(percentile(requests, 50))}, p99 ${ms(percentile(requests, 99))}; send → delivery p50 ${ms(percentile(fromSend, 50))}, p99 ${ms(percentile(fromSend, 99))}`,
    );
    return {
      scenario: `live: ack → subscriber, ${ctx.dataset.units.length} units every ${PERIOD_MS / 1000} s, ${SUBSCRIBERS} subscribers`,
      median: `p50 ${ms(percentile(latencies, 50))} (from send ${ms(percentile(fromSend, 50))})`,
      p95: `p99 ${ms(p99)} (from send ${ms(percentile(fromSend, 99))})`,
      throughput: `${Math.round(latencies.length / (rounds * seconds)).toLocaleString('en-GB')} deliveries/s`,
      baseline: `insert + pg_notify → LISTEN → plain ws: p50 ${ms(percentile(rawLatencies, 50))}, p99 ${ms(rawP99)}`,
      ratio: `${times(p99 / rawP99)} p99`,
      target: 'p99 ≤ 250 ms',
      verdict: verdict(p99 <= 250 && missing === 0 && errors.length === 0),
      rss: megabytes(process.memoryUsage().rss),
      note:
        `${requests.length} fixes over ${rounds} × ${seconds} s, ${expected} deliveries expected, ${missing} missing, ${errors.length} errors (either fails the row); ` +
        'the median and p95 columns hold p50 and p99, from the acknowledgement and (in brackets) from sending the request. A delivery can come before its acknowledgement (a negative latency): ' +
        `the server announces a batch once it is committed, before its answer is on the way. recordPositions took p50 ${ms(percentile(requests, 50))}, ` +
        `p99 ${ms(percentile(requests, 99))} from send to acknowledgement; send to delivery was p50 ${ms(percentile(fromSend, 50))}, p99 ${ms(percentile(fromSend, 99))}. ` +
        'Clients (devices and dashboards) run in a worker thread, the servers in the main one. ' +
        `The warm-up period before (each of the ${SUBSCRIBERS} subscriptions looking up each unit once, ${SUBSCRIBERS * ctx.dataset.units.length} lookups) ` +
        `delivered at p50 ${ms(percentile(warm.latencies, 50))}, p99 ${ms(percentile(warm.latencies, 99))} after the acknowledgement.`,
    };
  } finally {
    await clients.close();
    await relay.close();
    await admin.end();
  }
}
