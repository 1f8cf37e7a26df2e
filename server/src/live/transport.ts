/**
 * How live events reach every server process. Two kinds:
 * - `notify`: PostgreSQL LISTEN/NOTIFY (notify-transport.ts), for a real PostgreSQL, where
 *   several server processes share one database;
 * - `local`: in this process only, for the embedded PGlite. PGlite runs a single backend
 *   that every socket connection shares, so a notification goes back to whichever
 *   connection happens to be running a query (tried: the sender gets its own NOTIFY and
 *   the LISTEN connection nothing). The embedded database serves one process anyway.
 *
 * Both deliver messages as parsed JSON, so a listener sees the same shapes either way.
 */
export interface LiveTransport {
  readonly kind: 'local' | 'notify';
  /** Sends a message to every server process, this one included. Never throws. */
  send(topic: string, payload: unknown): void;
  /** Calls `listener` with each message on `topic`; returns the function that stops it. */
  listen(topic: string, listener: (payload: unknown) => void): () => void;
  close(): Promise<void>;
}

/** Listeners per topic; a listener that throws does not stop the others. */
export class Listeners {
  private readonly byTopic = new Map<string, Set<(payload: unknown) => void>>();

  constructor(private readonly onError: (error: unknown) => void) {}

  add(topic: string, listener: (payload: unknown) => void): () => void {
    let set = this.byTopic.get(topic);
    if (!set) {
      set = new Set();
      this.byTopic.set(topic, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.byTopic.get(topic) === set) this.byTopic.delete(topic);
    };
  }

  emit(topic: string, payload: unknown): void {
    for (const listener of this.byTopic.get(topic) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

/** In this process only: for the embedded database, and for tests of one process. */
export function localTransport(onError: (error: unknown) => void = console.error): LiveTransport {
  const listeners = new Listeners(onError);
  return {
    kind: 'local',
    send(topic, payload) {
      // Through JSON, as over NOTIFY, so both transports hand listeners the same shapes;
      // and on a later turn, so a publisher never runs its subscribers' code.
      const text = JSON.stringify(payload);
      queueMicrotask(() => listeners.emit(topic, JSON.parse(text)));
    },
    listen: (topic, listener) => listeners.add(topic, listener),
    async close() {},
  };
}
