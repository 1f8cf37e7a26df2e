import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnVigil } from '../support/cli.js';

/** `vigil <command>` on the embedded database in `dataDir`, as an operator starts it. */
const vigil = (command: string, dataDir: string, port = '0') => spawnVigil([command], { VIGIL_DATA_DIR: dataDir, PORT: port });

async function answers(url: string) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
  return response.status;
}

describe('the embedded database folder', () => {
  it('serves one process at a time, survives repeated stop signals, and keeps its data across restarts', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vigil-folder-'));
    const first = vigil('serve', dataDir);
    const url = await first.ready();
    expect(await answers(url)).toBe(200);
    expect(existsSync(join(dataDir, 'pgdata.lock'))).toBe(true);

    // A second Vigil on the same folder would damage it: it is refused before opening it.
    const second = vigil('serve', dataDir);
    expect(await second.exited).not.toBe(0);
    // One line that says what to do, no stack trace (standard output only says what it was starting).
    expect(second.stderr().trim().split('\n')).toEqual([
      `The embedded database in ${join(dataDir, 'pgdata')} is in use by another Vigil process (pid ${first.child.pid}): stop that one first, or set VIGIL_DATA_DIR to another folder`,
    ]);
    expect(await answers(url)).toBe(200);

    // Two signals in a row (pnpm passes Ctrl-C on, so a process often gets it twice): the
    // second must not cut the clean close short.
    first.child.kill('SIGTERM');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(existsSync(join(dataDir, 'pgdata.lock'))).toBe(false);
    expect(first.output()).toMatch(/Migrating the database…\s+applied \d+ migrations/);

    const again = vigil('serve', dataDir);
    const againUrl = await again.ready();
    expect(await answers(againUrl)).toBe(200);
    // Another Vigil, on a folder of its own but the same port: one line that says so, and it
    // leaves its folder closed (no lock left behind).
    const port = new URL(againUrl).port;
    const otherDir = mkdtempSync(join(tmpdir(), 'vigil-folder-'));
    const clash = vigil('serve', otherDir, port);
    expect(await clash.exited).toBe(1);
    expect(clash.stderr().trim().split('\n')).toEqual([
      `Port ${port} on 127.0.0.1 is in use: stop what is using it, or set PORT to another port`,
    ]);
    expect(existsSync(join(otherDir, 'pgdata.lock'))).toBe(false);
    again.child.kill('SIGINT');
    expect(await again.exited).toBe(0);
    // The folder kept the database: the second start found every migration there already
    // (a folder started afresh would have applied them all again).
    expect(again.output()).toMatch(/Migrating the database…\s+up to date/);
    expect(again.output()).not.toMatch(/applied \d+ migration/);
    // Four starts of a process, one of them a first boot of PostGIS: slow on a loaded machine.
  }, 300_000);
});
