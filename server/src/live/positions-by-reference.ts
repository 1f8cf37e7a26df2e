import type { GapMessage, PositionsMessage } from './messages.js';
import { Listeners, type LiveTransport } from './transport.js';

/**
 * What crosses between processes for a batch of stored fixes: which unit, which
 * transaction (its `received_at`), and the span of its fixes' times, not the fixes.
 */
export interface StoredPositions {
  unitId: string;
  /** `received_at` of the batch's rows, to the millisecond (ISO): the transaction's start. */
  storedAt: string;
  /** The first and last fix time of the batch (epoch ms), and how many it stored. */
  from: number;
  to: number;
  count: number;
}

/** The topic the references travel on; `positions` itself stays in each process. */
export const STORED_POSITIONS_TOPIC = 'positionsStored';

/** A batch kept for this process's own subscribers until its reference comes back (normally milliseconds). */
const KEEP_MS = 60_000;

/**
 * Positions announced by reference over a transport that crosses processes (NOTIFY).
 * A batch of 500 fixes is 35 kB of NOTIFY that PostgreSQL writes and every server process
 * parses, subscribers or not; its reference is a hundred bytes. A process with live
 * subscribers reads each batch back once (`readBack`, from the table, where the batch is
 * committed before it is announced) and hands it to them as before; the process that
 * stored it uses the batch it still holds. Every other topic passes through unchanged.
 *
 * References are expanded one after another, in the order they arrive, so a unit's
 * batches reach subscribers in the order they were stored. A batch that cannot be read
 * back (the database unreachable) is a gap: live feeds replay from before it (`gap`).
 */
export function positionsByReference(
  inner: LiveTransport,
  readBack: (reference: StoredPositions) => Promise<PositionsMessage>,
  onError: (error: unknown) => void = console.error,
): LiveTransport {
  const local = new Listeners(onError);
  /** This process's batches, by reference, while it has subscribers to hand them to. */
  const held = new Map<string, { message: PositionsMessage; at: number }>();
  const keyOf = (r: StoredPositions) => `${r.unitId}@${r.storedAt}@${r.from}@${r.to}@${r.count}`;
  let subscribers = 0;
  let stopListening: (() => void) | null = null;
  let expanding: Promise<void> = Promise.resolve();

  const expand = async (reference: StoredPositions) => {
    const key = keyOf(reference);
    const mine = held.get(key);
    held.delete(key);
    try {
      const message = mine?.message ?? (await readBack(reference));
      if (message.fixes.length > 0) local.emit('positions', message);
    } catch (error) {
      onError(error);
      local.emit('gap', { since: reference.storedAt } satisfies GapMessage);
    }
  };

  const arrived = (payload: unknown) => {
    const reference = payload as StoredPositions;
    expanding = expanding.then(() => expand(reference));
  };

  return {
    kind: inner.kind,
    send(topic, payload) {
      if (topic !== 'positions') return inner.send(topic, payload);
      const message = payload as PositionsMessage;
      if (message.fixes.length === 0) return;
      // A batch's fixes are in time order (PositionsMessage): its span is its first and last.
      const reference: StoredPositions = {
        unitId: message.unitId,
        storedAt: message.storedAt,
        from: message.fixes[0]![0],
        to: message.fixes.at(-1)![0],
        count: message.fixes.length,
      };
      if (subscribers > 0) {
        // Batches whose reference never came back (LISTEN was down) are not kept for ever.
        const now = Date.now();
        for (const [key, { at }] of held) {
          if (now - at < KEEP_MS) break;
          held.delete(key);
        }
        held.set(keyOf(reference), { message, at: now });
      }
      inner.send(STORED_POSITIONS_TOPIC, reference);
    },
    listen(topic, listener) {
      if (topic === 'gap') {
        const offInner = inner.listen(topic, listener);
        const offLocal = local.add(topic, listener);
        return () => {
          offInner();
          offLocal();
        };
      }
      if (topic !== 'positions') return inner.listen(topic, listener);
      const off = local.add(topic, listener);
      if (subscribers++ === 0) stopListening = inner.listen(STORED_POSITIONS_TOPIC, arrived);
      let stopped = false;
      return () => {
        if (stopped) return;
        stopped = true;
        off();
        if (--subscribers === 0) {
          stopListening?.();
          stopListening = null;
          held.clear();
        }
      };
    },
    async close() {
      stopListening?.();
      await inner.close();
      await expanding;
    },
  };
}
