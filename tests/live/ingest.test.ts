import { PatrolTraceDocument, type PositionInput, RecordPositionsDocument } from '@vigil/schema';
import { query, sql } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSite, makeUnit, offset, SOUTH_END_GREEN, stay } from '../support/factories.js';
import { storedTimes, walk } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let planner: string;
beforeAll(async () => {
  t = await startTestServer();
  planner = await t.tokenFor('PLANNER');
});
afterAll(() => t?.close());

const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000);
const record = (unitId: string, positions: PositionInput[], token = planner) =>
  t.gql(RecordPositionsDocument, { unitId, positions }, token);

describe('position ingest (recordPositions)', () => {
  it('sending the same batch twice stores each fix once', async () => {
    const unit = await makeUnit(t.em());
    const start = hoursAgo(3);
    const track = walk(SOUTH_END_GREEN, start, 300);
    const fixes = track.slice(0, 200);
    const first = await record(unit.id, fixes);
    expect(first.errors).toBeUndefined();
    expect(first.data?.recordPositions).toEqual({ accepted: 200, duplicates: 0, rejected: [] });
    const again = await record(unit.id, fixes);
    expect(again.data?.recordPositions).toEqual({ accepted: 0, duplicates: 200, rejected: [] });
    // A device resending with half of it new: only the new half is stored.
    const overlap = await record(unit.id, track.slice(100));
    expect(overlap.data?.recordPositions).toEqual({ accepted: 100, duplicates: 100, rejected: [] });
    expect((await storedTimes(t.em(), unit.id)).size).toBe(300);
  });

  it('a batch with 3 bad fixes among 997 good ones stores the 997 and names the 3 by index', async () => {
    const unit = await makeUnit(t.em());
    const good = walk(offset(SOUTH_END_GREEN, 0, 1000), hoursAgo(2), 997);
    const batch: PositionInput[] = [...good];
    const base = good[400]!;
    batch.splice(10, 0, { ...base, recordedAt: new Date(hoursAgo(2).getTime() + 10_500).toISOString(), longitude: 0, latitude: 0 });
    batch.splice(500, 0, { ...base, recordedAt: new Date(hoursAgo(2).getTime() + 500_500).toISOString(), latitude: 95 });
    batch.splice(999, 0, { ...base, recordedAt: new Date(Date.now() + 3600_000).toISOString() });
    expect(batch).toHaveLength(1000);

    const result = await record(unit.id, batch);
    expect(result.errors).toBeUndefined();
    const { accepted, duplicates, rejected } = result.data!.recordPositions;
    expect({ accepted, duplicates }).toEqual({ accepted: 997, duplicates: 0 });
    expect(rejected.map((r) => [r.index, r.reason])).toEqual([
      [10, 'NULL_ISLAND'],
      [500, 'OUT_OF_RANGE'],
      [999, 'IN_THE_FUTURE'],
    ]);
    expect(rejected[1]!.message).toMatch(/latitude/);
    const stored = await storedTimes(t.em(), unit.id);
    expect([...stored].sort()).toEqual(good.map((f) => new Date(f.recordedAt).getTime()).sort());
  });

  it('a jump faster than 70 m/s is refused, and the fix after it is measured from the last good one', async () => {
    const unit = await makeUnit(t.em());
    const start = hoursAgo(1);
    const at = (seconds: number, east: number, extra: Partial<PositionInput> = {}): PositionInput => {
      const [longitude, latitude] = offset(SOUTH_END_GREEN, east, 2000);
      return { recordedAt: new Date(start.getTime() + seconds * 1000).toISOString(), longitude, latitude, ...extra };
    };
    const result = await record(unit.id, [
      at(0, 0),
      at(5, 50),
      at(10, 3000), // 2,950 m in 5 s: a receiver glitch
      at(15, 150), // 100 m in 10 s from the fix at 5 s: fine
      at(20, 200, { speed: 85 }), // the receiver itself says 85 m/s
      at(25, 250),
    ]);
    expect(result.data?.recordPositions.accepted).toBe(4);
    expect(result.data?.recordPositions.rejected.map((r) => [r.index, r.reason])).toEqual([
      [2, 'IMPOSSIBLE_SPEED'],
      [4, 'IMPOSSIBLE_SPEED'],
    ]);
    expect(result.data?.recordPositions.rejected[0]?.message).toMatch(/^implies 5[89]\d m\/s from the fix at /);
    // The next batch is measured from the last stored fix: 5 km in 10 s is refused.
    const next = await record(unit.id, [at(35, 5250), at(40, 300)]);
    expect(next.data?.recordPositions.rejected.map((r) => [r.index, r.reason])).toEqual([[0, 'IMPOSSIBLE_SPEED']]);
    expect(next.data?.recordPositions.accepted).toBe(1);
  });

  it('the fixes of a batch make their visits in the same call', async () => {
    const at = offset(SOUTH_END_GREEN, -2000, 0);
    const site = await makeSite(t.em(), { at });
    const unit = await makeUnit(t.em());
    const start = new Date(Math.floor(hoursAgo(5).getTime() / 1000) * 1000);
    const fixes = stay(at, start, 12).map((f) => ({ ...f, recordedAt: f.recordedAt.toISOString() }));
    expect((await record(unit.id, fixes)).data?.recordPositions.accepted).toBe(fixes.length);
    const trace = await t.gql(
      PatrolTraceDocument,
      { unitId: unit.id, from: hoursAgo(6).toISOString(), to: new Date().toISOString() },
      await t.tokenFor('SUPERINTENDENT'),
    );
    expect(trace.data?.patrolTrace.visits.map((v) => [v.site.id, v.dwellMinutes, v.koperCompliant])).toEqual([[site.id, 12, true]]);
  });

  it('a batch of more than 1,000 fixes is refused whole', async () => {
    const unit = await makeUnit(t.em());
    const result = await record(unit.id, walk(SOUTH_END_GREEN, hoursAgo(4), 1001));
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toBe('positions: at most 1000 fixes per batch (got 1001)');
    expect((await storedTimes(t.em(), unit.id)).size).toBe(0);
  });

  it('analysts, signed-out callers and unknown units are refused', async () => {
    const unit = await makeUnit(t.em());
    const fixes = walk(SOUTH_END_GREEN, hoursAgo(4), 3);
    expect((await record(unit.id, fixes, await t.tokenFor('ANALYST'))).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const anonymous = await t.gql(RecordPositionsDocument, { unitId: unit.id, positions: fixes });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // A device account signed in with a password has no unit: it may write none.
    const device = await record(unit.id, fixes, await t.tokenFor('DEVICE'));
    expect(device.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const unknown = await record('00000000-0000-4000-8000-000000000000', fixes);
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await storedTimes(t.em(), unit.id)).size).toBe(0);
  });

  it('commits a batch and its audit line together: when the line cannot be written, no fix is stored', async () => {
    const unit = await makeUnit(t.em());
    const fixes = walk(offset(SOUTH_END_GREEN, 700, 700), hoursAgo(4), 50);
    const lines = async () =>
      query<{ outcome: string }>(
        t.em(),
        sql`select outcome from audit_events where operation = 'recordPositions' and ${unit.id} = any(target_ids) order by id`,
      );
    const ok = await record(unit.id, fixes.slice(0, 25));
    expect(ok.data?.recordPositions.accepted).toBe(25);
    expect((await lines()).map((l) => l.outcome)).toEqual(['SUCCESS']);
    // A success line for this unit is refused by the database from now on; a failure line is not.
    await query(
      t.em(),
      sql`create function refuse_ingest_success() returns trigger language plpgsql as $$
          begin
            if new.operation = 'recordPositions' and new.outcome = 'SUCCESS' then raise exception 'audit refused'; end if;
            return new;
          end $$`,
    );
    await query(
      t.em(),
      sql`create trigger refuse_ingest_success before insert on audit_events for each row execute function refuse_ingest_success()`,
    );
    try {
      const refused = await record(unit.id, fixes.slice(25));
      expect(refused.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      // The 25 fixes of the second batch went with their line; the failure has its own.
      expect((await storedTimes(t.em(), unit.id)).size).toBe(25);
      expect((await lines()).map((l) => l.outcome)).toEqual(['SUCCESS', 'ERROR:INTERNAL_SERVER_ERROR']);
    } finally {
      await query(t.em(), sql`drop trigger refuse_ingest_success on audit_events`);
      await query(t.em(), sql`drop function refuse_ingest_success()`);
    }
  });
});
