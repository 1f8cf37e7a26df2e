import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { serverDir } from '../support/cli.js';

/** Runs `vigil serve` as an operator would, with the given environment. */
function serve(env: Record<string, string>) {
  const result = spawnSync(process.execPath, ['bin/vigil.mjs', 'serve'], {
    cwd: serverDir,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() };
}

describe('configuration is checked at start-up', () => {
  it('a malformed DATABASE_URL prints one line naming the variable and exits non-zero', () => {
    const { status, stderr } = serve({ DATABASE_URL: 'not a url' });
    expect(status).not.toBe(0);
    expect(stderr.split('\n')).toEqual(['Invalid DATABASE_URL: must be a URL like postgres://user@host:5432/database (got "not a url")']);
  });

  it('a non-numeric PORT prints one line naming the variable and exits non-zero', () => {
    const { status, stderr } = serve({ PORT: 'eighty' });
    expect(status).not.toBe(0);
    expect(stderr.split('\n')).toEqual(['Invalid PORT: must be a whole number from 0 to 65535 (got "eighty")']);
  });

  it('several bad values are each named on a line of their own', () => {
    const { status, stderr } = serve({ PORT: '99999', VISIT_RADIUS_METRES: 'far', JWT_SECRET: 'short' });
    expect(status).not.toBe(0);
    expect(stderr.split('\n').sort()).toEqual([
      'Invalid JWT_SECRET: must be at least 32 characters (got "short")',
      'Invalid PORT: must be at most 65535 (got "99999")',
      'Invalid VISIT_RADIUS_METRES: must be a whole number from 5 to 1000 (got "far")',
    ]);
  });
});
