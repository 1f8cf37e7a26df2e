import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onTestFinished } from 'vitest';

export const serverDir = fileURLToPath(new URL('../../server', import.meta.url));
/** The `vigil` command's entry, as `pnpm vigil` runs it (server/package.json). */
const ENTRY = 'bin/vigil.mjs';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** The environment of a `vigil` process: nothing from the test's own but PATH and HOME. */
function environment(env: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, VIGIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'vigil-cli-')), ...env };
}

/**
 * Runs the `vigil` command as an operator would (`pnpm vigil …`), against the given
 * database. Asynchronous on purpose: an embedded test database is served from this very
 * process, so blocking on the child would deadlock.
 */
export function runVigil(args: string[], databaseUrl: string, { timeoutMs = 600_000 } = {}): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRY, ...args], {
      cwd: serverDir,
      env: environment({ DATABASE_URL: databaseUrl }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 });
    });
  });
}

export interface RunningVigil {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Both, in the order they came. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** Resolves with the server's URL once it says it is running; rejects if it exits first. */
  ready(): Promise<string>;
}

/** Kills `child` if it is still running. */
const reap = (child: ChildProcess) => {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
};

/**
 * A long-running `vigil serve` or `vigil demo` process, as an operator starts it, with
 * the given environment (DATABASE_URL, PORT=0, VIGIL_DATA_DIR…). `nodeArgs` go to Node
 * before the entry (e.g. `--import` a probe). Killed when its test ends, even when the
 * test fails half-way.
 */
export function spawnVigil(args: string[], env: Record<string, string>, { nodeArgs = [] as string[] } = {}): RunningVigil {
  const child = spawn(process.execPath, [...nodeArgs, ENTRY, ...args], {
    cwd: serverDir,
    env: environment({ PORT: '0', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Nothing outlives its test (or, spawned outside a test, this worker).
  try {
    onTestFinished(() => reap(child));
  } catch {
    process.once('exit', () => reap(child));
  }
  let stdout = '';
  let stderr = '';
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (d: string) => {
    stdout += d;
    output += d;
  });
  child.stderr?.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
    output += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    output: () => output,
    exited,
    async ready() {
      for (;;) {
        const url = /Vigil is running at (\S+)/.exec(stdout)?.[1];
        if (url) return url;
        if (done) throw new Error(`vigil ${args.join(' ')} exited before it was ready:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  };
}
