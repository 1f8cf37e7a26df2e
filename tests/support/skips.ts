import { describe, it } from 'vitest';
import { realPostgres } from './live.js';
import { SKIP_MARK } from './skip-summary.js';

// Tests that cannot run here are skipped saying why: one line per skipped test (or per
// skipped suite, for all its tests), printed when the file is collected and listed again
// at the end of the run by support/skip-summary.ts, which finds them by SKIP_MARK.

function announce(name: string, reason: string): void {
  console.log(`${SKIP_MARK} ${JSON.stringify(name)}: ${reason}`);
}

/** `it`, or, when `reason` says why the test cannot run here, `it.skip` that prints the reason. */
export function itUnless(reason: string | null): typeof it {
  if (reason === null) return it;
  return ((name: string, ...rest: unknown[]) => {
    announce(name, reason);
    return (it.skip as (...args: unknown[]) => void)(name, ...rest);
  }) as unknown as typeof it;
}

/** `describe`, or, when `reason` says why its tests cannot run here, `describe.skip` that prints the reason. */
export function describeUnless(reason: string | null): typeof describe {
  if (reason === null) return describe;
  return ((name: string, ...rest: unknown[]) => {
    announce(name, `all its tests: ${reason}`);
    return (describe.skip as (...args: unknown[]) => void)(name, ...rest);
  }) as unknown as typeof describe;
}

/** Null on a real PostgreSQL; otherwise why a test that needs one (for `why`) is skipped. */
export function needsRealPostgres(why: string): string | null {
  return realPostgres ? null : `${why}, which needs a real PostgreSQL (set DATABASE_URL)`;
}
