import pg from 'pg';
import { identifier, queryClient, sql } from '../db/sql.js';
import { encode, Reassembler } from './envelope.js';
import type { GapMessage } from './messages.js';
import { Listeners, type LiveTransport } from './transport.js';

/** One channel per database: NOTIFY never crosses databases, so test databases stay apart. */
export const LIVE_CHANNEL = 'vigil_live';
/** application_name of the LISTEN connection, with the process id: to find it in pg_stat_activity. */
export const LISTEN_APPLICATION_NAME = `vigil-listen:${process.pid}`;

export interface NotifyTransportOptions {
  url: string;
  /** First wait before reconnecting a dropped LISTEN connection; doubles up to 10 s. */
  reconnectDelayMs?: number;
  onError?: (error: unknown) => void;
}

/** Parts waiting to be sent; past this, the oldest are dropped (subscribers catch up with `since`). */
const MAX_QUEUED = 20_000;
/** Parts per statement: a burst of messages goes out in a few round trips. */
const PARTS_PER_STATEMENT = 500;

/**
 * Live events through PostgreSQL LISTEN/NOTIFY: no extra service, and every process on
 * the database hears every event, its own included (one delivery path for all).
 *
 * - LISTEN holds a dedicated `pg.Client` (a pooled connection would be handed to other
 *   queries and lose its LISTEN). When it drops, it is reconnected with backoff, and the
 *   local `gap` topic tells live feeds from when they may have missed events.
 * - NOTIFY goes through a one-connection pool of its own, in order, with whatever is
 *   queued sent together in one `select pg_notify(…) from unnest(…)`. Sending happens
 *   after the data is committed, so a subscriber never hears of a row it cannot read.
 */
export async function startNotifyTransport({
  url,
  reconnectDelayMs = 250,
  onError = (e) => console.error('live events:', e),
}: NotifyTransportOptions): Promise<LiveTransport> {
  const listeners = new Listeners(onError);
  const reassembler = new Reassembler();
  let client: pg.Client | null = null;
  let closed = false;
  let downSince: Date | null = null;
  let retryTimer: NodeJS.Timeout | undefined;
  let delay = reconnectDelayMs;

  const receive = (message: pg.Notification) => {
    if (message.channel !== LIVE_CHANNEL || message.payload === undefined) return;
    try {
      const envelope = reassembler.accept(message.payload);
      if (envelope) listeners.emit(envelope.topic, envelope.payload);
    } catch (error) {
      onError(error);
    }
  };

  const lost = (c: pg.Client, error?: unknown) => {
    if (c !== client) return;
    client = null;
    downSince ??= new Date();
    if (error && !closed) onError(error);
    c.end().catch(() => {});
    if (!closed) retry();
  };

  const connect = async () => {
    // TCP keepalive from 30 s idle, so a connection cut without a word (a dropped NAT
    // entry, a dead host) is noticed in minutes rather than after the system's two hours.
    const c = new pg.Client({
      connectionString: url,
      application_name: LISTEN_APPLICATION_NAME,
      keepAlive: true,
      keepAliveInitialDelayMillis: 30_000,
    });
    c.on('notification', receive);
    c.on('error', (error) => lost(c, error));
    c.on('end', () => lost(c));
    try {
      await c.connect();
      await queryClient(c, sql`listen ${identifier(LIVE_CHANNEL)}`);
    } catch (error) {
      c.end().catch(() => {});
      throw error;
    }
    if (closed) {
      await c.end();
      return;
    }
    client = c;
    delay = reconnectDelayMs;
    if (downSince) {
      const gap: GapMessage = { since: downSince.toISOString() };
      downSince = null;
      listeners.emit('gap', gap);
    }
  };

  const retry = () => {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => {
      connect().catch((error) => {
        onError(error);
        delay = Math.min(delay * 2, 10_000);
        if (!closed) retry();
      });
    }, delay);
  };

  await connect();

  const sender = new pg.Pool({ connectionString: url, max: 1, application_name: 'vigil-notify' });
  sender.on('error', onError);
  const queue: string[] = [];
  let flushing: Promise<void> | null = null;
  const kick = () => {
    if (flushing || queue.length === 0) return;
    // Parts queued while a statement was on its way go out in the next one.
    flushing = flush().finally(() => {
      flushing = null;
      kick();
    });
  };
  const flush = async () => {
    while (queue.length > 0) {
      const parts = queue.splice(0, PARTS_PER_STATEMENT);
      try {
        await queryClient(sender, sql`select pg_notify(${LIVE_CHANNEL}, part) from unnest(${parts}::text[]) as part`);
      } catch (error) {
        onError(error);
      }
    }
  };

  return {
    kind: 'notify',
    send(topic, payload) {
      if (closed) return;
      queue.push(...encode(topic, payload));
      if (queue.length > MAX_QUEUED) queue.splice(0, queue.length - MAX_QUEUED);
      kick();
    },
    listen: (topic, listener) => listeners.add(topic, listener),
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      while (flushing) await flushing;
      await sender.end();
      const c = client;
      client = null;
      await c?.end().catch(() => {});
    },
  };
}
