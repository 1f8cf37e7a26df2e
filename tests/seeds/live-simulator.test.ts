import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EntityManager } from '@mikro-orm/postgresql';
import { type Orm, openOrm, seedDemo, startLiveSimulator } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

let db: TestDatabase;
let orm: Orm;
const em = () => orm.em.fork() as unknown as EntityManager;
const rules = { radiusMetres: 50, gapSeconds: 120 };

/** Positions per call sign. */
async function positionCounts(): Promise<Record<string, number>> {
  const rows = await em()
    .getConnection()
    .execute<{ call_sign: string; n: number }[]>(
      `select u.call_sign, count(p.id)::int as n from patrol_units u left join positions p on p.unit_id = u.id group by 1 order by 1`,
    );
  return Object.fromEntries(rows.map((r) => [r.call_sign, r.n]));
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  orm = await openOrm(db.url, 4);
  await seedDemo(em(), { days: 3, eventDaysAgo: 2, patrolDays: 2, scale: 0.05 });
}, 300_000);
afterAll(async () => {
  await orm?.close(true);
  await db?.drop();
});

describe('the live demo keeps the units moving', () => {
  it('every unit sends fixes every few seconds through the ingest path, and nothing is written after stop()', async () => {
    const before = await positionCounts();
    // A clock running 60 times faster than the wall clock, so 5-second fixes come quickly;
    // everything the seed stored lies before t0.
    const t0 = Date.now();
    const live = await startLiveSimulator({ orm, rules, intervalMs: 50, now: () => new Date(t0 + (Date.now() - t0) * 60) });
    expect(live.callSigns).toEqual(['CN-BZ1', 'CN-HT1', 'CN-R1', 'IS-R1']);
    try {
      await until(async () => Object.entries(await positionCounts()).every(([sign, n]) => n >= (before[sign] ?? 0) + 6), 60_000);
    } finally {
      await live.stop();
    }
    const stopped = await positionCounts();
    await new Promise((r) => setTimeout(r, 500));
    expect(await positionCounts()).toEqual(stopped);

    const fresh = await em()
      .getConnection()
      .execute<{ call_sign: string; gaps: number[]; places: number }[]>(
        `select u.call_sign,
                array_agg(extract(epoch from p.recorded_at - p.prev)::float8 order by p.recorded_at) filter (where p.prev is not null) as gaps,
                count(distinct ST_AsText(p.location))::int as places
         from (select *, lag(recorded_at) over (partition by unit_id order by recorded_at) as prev from positions where recorded_at > ?) p
         join patrol_units u on u.id = p.unit_id
         group by 1 order by 1`,
        [new Date(t0)],
      );
    expect(fresh).toHaveLength(4);
    for (const unit of fresh) {
      expect(
        unit.gaps.every((g) => g === 5),
        unit.call_sign,
      ).toBe(true);
      expect(unit.places, unit.call_sign).toBeGreaterThan(1);
    }
  }, 120_000);

  it('`vigil demo` starts the simulator: the units move in real time, and SIGTERM stops it cleanly', async () => {
    const before = await positionCounts();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'demo'], {
      cwd: fileURLToPath(new URL('../../server', import.meta.url)),
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        DATABASE_URL: db.url,
        PORT: '0',
        VIGIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'vigil-demo-')),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      output += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      output += d;
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    try {
      await until(async () => output.includes('Vigil is running'), 120_000);
      // Devices report every 5 s: within 15 s every unit has moved on at least once.
      await until(async () => Object.entries(await positionCounts()).every(([sign, n]) => n > (before[sign] ?? 0)), 30_000);
    } finally {
      child.kill('SIGTERM');
    }
    // Apollo Server re-raises SIGTERM once it has drained (its stopOnTerminationSignals), so a
    // clean stop ends either with code 0 or by that signal — never with an error.
    const end = await exited;
    expect(end.code === 0 || end.signal === 'SIGTERM', `${JSON.stringify(end)}\n${output}`).toBe(true);
    expect(output).not.toMatch(/live demo:|Error/);
    const after = await positionCounts();
    await new Promise((r) => setTimeout(r, 6000));
    expect(await positionCounts()).toEqual(after);
  }, 240_000);
});
