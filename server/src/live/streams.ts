import { Repeater } from '@graphql-yoga/subscription';

/**
 * A subscription's stream of results: `source` is listening from the moment this is
 * called (not from the first read), so nothing published after `feed` returns is missed;
 * then `first` (e.g. a replay from storage) goes out, then each source event through
 * `each` (which may fetch, filter — an empty array sends nothing — or split one event
 * into several).
 *
 * Built on Repeater rather than an async generator: when the client unsubscribes, a
 * generator waiting for the next event would linger until one came; a Repeater stops at
 * once. `return` also stops the source, even if the stream was never read.
 */
export function feed<T, U>(
  source: AsyncIterable<T>,
  each: (event: T) => Promise<U[]> | U[],
  first?: () => Promise<U[]>,
): AsyncIterableIterator<U> {
  const iterator = source[Symbol.asyncIterator]();
  // For a Repeater, the first next() runs its executor: the listener is in place from here.
  let pending = iterator.next();
  const repeater = new Repeater<U>(async (push, stop) => {
    let stopped = false;
    stop.then(() => {
      stopped = true;
      void iterator.return?.();
    });
    try {
      for (const item of first ? await first() : []) {
        if (stopped) return;
        await push(item);
      }
      while (!stopped) {
        const next = await pending;
        if (next.done || stopped) break;
        pending = iterator.next();
        for (const item of await each(next.value)) {
          if (stopped) break;
          await push(item);
        }
      }
      stop();
    } catch (error) {
      stop(error);
    }
  });
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    next: () => repeater.next(),
    async return(value?: unknown) {
      void iterator.return?.();
      return repeater.return(value as U);
    },
    throw: (error?: unknown) => repeater.throw(error),
  };
}
