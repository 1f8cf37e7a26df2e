import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { StartupError } from '../shared/startup-error.js';
import { type Relaying, relayAnswer } from './lost-errors.js';

/** A protocol message waiting in pglite-socket's queue (its QueryQueueManager, 0.2.11). */
interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve(bytes: number): void;
  reject(error: unknown): void;
  onData(chunk: Uint8Array): void;
}

/** The part of pglite-socket's QueryQueueManager this module takes over. */
interface QueryQueue {
  db: PGlite;
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue(): Promise<void>;
  clearQueueForHandler(handlerId: number): void;
}

/**
 * Makes pglite-socket serve each client's exchanges whole. PGlite is one PostgreSQL
 * session; pglite-socket queues the protocol messages of all its connections one by one
 * and keeps to one connection only while a transaction is open. But an extended-protocol
 * exchange (Parse, Bind, Describe, Execute, Sync: every statement `pg` sends with
 * parameters) is not a transaction, and the unnamed prepared statement it builds is the
 * session's: a second connection's Parse between a first's Parse and Bind replaced it,
 * and the first bound its values to the wrong statement ("bind message supplies 6
 * parameters, but prepared statement "" requires 5" in the demo while its simulator drove;
 * electric-sql/pglite#1046, open). Also, one failure inside PGlite left the queue marked
 * busy for good.
 *
 * So a connection keeps the session from its first message until the backend says it is
 * ready again (ReadyForQuery ends what it sent back) and, as before, for the whole of a
 * transaction; a failure rejects only its own message; and an error PGlite lost is
 * raised after all (db/lost-errors.ts). Checks the queue's shape
 * first, so an upgrade of pglite-socket that changes it stops start-up rather than going
 * unnoticed.
 */
export function keepExchangesWhole(server: PGLiteSocketServer): void {
  const q = (server as unknown as { queryQueue?: QueryQueue }).queryQueue;
  if (
    !q ||
    !Array.isArray(q.queue) ||
    typeof q.processQueue !== 'function' ||
    typeof q.clearQueueForHandler !== 'function' ||
    !('lastHandlerId' in q) ||
    typeof q.db?.execProtocolRawStream !== 'function'
  )
    throw new StartupError(
      'pglite-socket: its query queue is not the one server/src/db/socket-queue.ts was written for (0.2.11): check that module against the installed version',
    );
  /** Each connection's exchange, for db/lost-errors.ts. */
  const exchanges = new Map<number, Relaying['exchange']>();
  const session = { lostRaised: false };
  const exchangeOf = (handlerId: number) => {
    const known = exchanges.get(handlerId);
    if (known) return known;
    const fresh = { errorSent: false, skipping: false };
    exchanges.set(handlerId, fresh);
    return fresh;
  };
  /** Whether the last connection served is mid-exchange: no ReadyForQuery has ended its answer yet. */
  let mid = false;
  q.processQueue = async () => {
    if (q.processing) return;
    q.processing = true;
    try {
      while (q.queue.length > 0) {
        const held = q.lastHandlerId !== null && (mid || q.db.isInTransaction());
        const at = held ? q.queue.findIndex((m) => m.handlerId === q.lastHandlerId) : 0;
        // The connection holding the session has sent nothing more yet: its next message starts this again.
        if (at < 0) return;
        const [m] = q.queue.splice(at, 1) as [QueuedMessage];
        let bytes = 0;
        const answer = relayAnswer(
          m.message,
          { exchange: exchangeOf(m.handlerId), session, inTransaction: () => q.db.isInTransaction() },
          (chunk) => {
            bytes += chunk.length;
            m.onData(chunk);
          },
        );
        q.lastHandlerId = m.handlerId;
        try {
          await q.db.runExclusive(() => q.db.execProtocolRawStream(m.message, { onRawData: (chunk: Uint8Array) => answer.data(chunk) }));
          // Mid-exchange until an answer ends with ReadyForQuery (lost-errors.ts reads every answer's messages).
          mid = !answer.end();
        } catch (error) {
          mid = false;
          m.reject(error);
          continue;
        }
        m.resolve(bytes);
      }
    } finally {
      q.processing = false;
    }
  };
  // A connection gone mid-exchange (outside a transaction, which the queue rolls back
  // itself) no longer holds the session.
  const clear = q.clearQueueForHandler.bind(q);
  q.clearQueueForHandler = (handlerId) => {
    clear(handlerId);
    exchanges.delete(handlerId);
    if (q.lastHandlerId === handlerId && !q.db.isInTransaction()) {
      mid = false;
      q.lastHandlerId = null;
      void q.processQueue();
    }
  };
}
