import { parentPort, Worker } from 'node:worker_threads';
import { clientThreads, threadId } from './cpu.js';

/**
 * Bench clients in a worker thread of their own. In the field the clients of the API are
 * other machines; here they share the process with the server, and on its event loop
 * their work (building requests, parsing 500-row answers) would be counted as the
 * server's. Both sides of a row run their clients in the worker, so the raw side's
 * clients do their own parsing there too.
 */
type Reply = ({ ok: true; value: unknown } | { ok: false; message: string }) & { tid: number | null };

/** The main thread's side: one command at a time, answered with what the worker's handler returns. */
export class ClientWorker {
  private readonly worker: Worker;
  private pending: { resolve: (value: unknown) => void; reject: (error: Error) => void } | null = null;

  constructor(entry: URL, data: unknown) {
    // A worker does not inherit tsx's loader: it registers it, then loads the TypeScript.
    const href = JSON.stringify(entry.href);
    this.worker = new Worker(`import('tsx/esm/api').then(({ register }) => { register(); return import(${href}); })`, {
      eval: true,
      workerData: data,
    });
    this.worker.on('message', (reply: Reply) => {
      if (reply.tid !== null) clientThreads.add(reply.tid);
      const p = this.pending;
      this.pending = null;
      if (reply.ok) p?.resolve(reply.value);
      else p?.reject(new Error(`bench clients: ${reply.message}`));
    });
    this.worker.on('error', (error) => {
      this.pending?.reject(error);
      this.pending = null;
    });
    this.worker.on('exit', (code) => {
      this.pending?.reject(new Error(`bench clients: the worker exited (${code})`));
      this.pending = null;
    });
  }

  call<T>(command: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending = { resolve: resolve as (value: unknown) => void, reject };
      this.worker.postMessage(command);
    });
  }

  async close(): Promise<void> {
    await this.call({ type: 'close' }).catch(() => {});
    await this.worker.terminate();
  }
}

/** The worker's side: answers each command with `handle`'s result, or its error. */
export function serve<C extends { type: string }>(handle: (command: C) => Promise<unknown>): void {
  const tid = threadId();
  parentPort!.on('message', async (command: C) => {
    try {
      parentPort!.postMessage({ ok: true, value: await handle(command), tid } satisfies Reply);
    } catch (error) {
      parentPort!.postMessage({
        ok: false,
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
        tid,
      } satisfies Reply);
    }
  });
}
