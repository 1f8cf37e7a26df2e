import { RecordPositionsDocument } from '@vigil/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUnit, offset, SOUTH_END_GREEN } from '../support/factories.js';
import { rng } from '../support/incidents.js';
import { storedTimes } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';

/**
 * Issue 13, rows 5 and 10: a bad fix never costs the good ones beside it, and what a
 * device is told about its batch is exactly what was stored.
 */
let t: TestServer;
let planner: string;
beforeAll(async () => {
  t = await startTestServer();
  planner = await t.tokenFor('PLANNER');
});
afterAll(() => t?.close());

const send = (unitId: string, positions: Record<string, unknown>[]) =>
  t.gql(RecordPositionsDocument, { unitId, positions: positions as never }, planner);
const fix = (secondsAgo: number, east = 0, extra: Record<string, unknown> = {}) => {
  const [longitude, latitude] = offset(SOUTH_END_GREEN, east, 0);
  return { recordedAt: new Date(Date.now() - secondsAgo * 1000).toISOString(), longitude, latitude, ...extra };
};

describe('row 5: a fix with values its columns cannot hold is refused alone', () => {
  it.each([
    ['accuracy 1e300', { accuracy: 1e300 }],
    ['speed 1e-50', { speed: 1e-50 }],
    ['heading 1e-50', { heading: 1e-50 }],
    ['accuracy 1e-45', { accuracy: 1e-45 }],
    ['speed 1e-320', { speed: 1e-320 }],
    ['heading 3.5e38', { heading: 3.5e38 }],
    ['accuracy 3.5e38', { accuracy: 3.5e38 }],
  ])('%s: the good fix beside it is stored, the bad one reported by index, and resending works', async (_name, values) => {
    const unit = await makeUnit(t.em());
    const good = fix(60, 0, { accuracy: 5, speed: 3, heading: 90 });
    const odd = fix(30, 10, values);
    const first = await send(unit.id, [good, odd]);
    expect(first.errors).toBeUndefined();
    const result = first.data!.recordPositions;
    // Every fix is in exactly one of the three: stored, duplicate, refused.
    expect(result.accepted + result.duplicates + result.rejected.length).toBe(2);
    expect(result.rejected.map((r) => r.index)).not.toContain(0);
    const stored = await storedTimes(t.em(), unit.id);
    expect(stored.has(Date.parse(good.recordedAt))).toBe(true);
    expect(stored.size).toBe(result.accepted);
    // Refused values are refused for a reason the device is told about.
    for (const r of result.rejected) expect(r.reason).toBe('OUT_OF_RANGE');
    // Resending the same batch stores nothing new and refuses the same fixes again.
    const again = (await send(unit.id, [good, odd])).data!.recordPositions;
    expect(again.accepted).toBe(0);
    expect(again.duplicates).toBe(result.accepted);
    expect(again.rejected).toEqual(result.rejected);
  });
});

describe('row 10: acknowledgements are exact', () => {
  it('a fix from the year 1 is refused as older than retention, not stored and called a duplicate', async () => {
    const unit = await makeUnit(t.em());
    const ancient = { recordedAt: '0001-01-01T00:00:00Z', longitude: SOUTH_END_GREEN[0], latitude: SOUTH_END_GREEN[1] };
    const result = (await send(unit.id, [fix(10), ancient])).data!.recordPositions;
    expect(result.accepted).toBe(1);
    expect(result.duplicates).toBe(0);
    expect(result.rejected).toEqual([{ index: 1, reason: 'TOO_OLD', message: expect.stringMatching(/retention/) }]);
    expect((await storedTimes(t.em(), unit.id)).size).toBe(1);
  });

  it('a fix just inside the retention window is stored and acknowledged as stored; one just outside is refused', async () => {
    const unit = await makeUnit(t.em());
    const days = t.config.positionRetentionDays;
    const inside = fix(days * 86_400 - 3600);
    const outside = fix(days * 86_400 + 3600, 5);
    const result = (await send(unit.id, [inside, outside])).data!.recordPositions;
    expect(result).toMatchObject({ accepted: 1, duplicates: 0 });
    expect(result.rejected.map((r) => [r.index, r.reason])).toEqual([[1, 'TOO_OLD']]);
  });

  it('batches of one unit sent at once, the same and overlapping: each fix stored once, acknowledged by exactly one call', async () => {
    const unit = await makeUnit(t.em());
    // 1 m a second, well under the speed limit, from one clock reading; the same batch six
    // times, and two that overlap it.
    const start = Date.now() - 900_000;
    const walk = (from: number, count: number) =>
      Array.from({ length: count }, (_, k) => {
        const [longitude, latitude] = offset(SOUTH_END_GREEN, from + k, 0);
        return { recordedAt: new Date(start + (from + k) * 1000).toISOString(), longitude, latitude };
      });
    const first = walk(0, 60);
    const batches = [...Array.from({ length: 6 }, () => first), walk(30, 60), walk(60, 60)];
    const results = await Promise.all(batches.map((b) => send(unit.id, b)));
    for (const r of results) expect(r.errors).toBeUndefined();
    const answers = results.map((r) => r.data!.recordPositions);
    const stored = await storedTimes(t.em(), unit.id);
    // The union of the batches: 0..119 metres east, one fix a second.
    expect(stored.size).toBe(120);
    expect(answers.reduce((sum, a) => sum + a.accepted, 0)).toBe(120);
    for (const [k, a] of answers.entries()) {
      expect(a.rejected, `batch ${k}`).toEqual([]);
      expect(a.accepted + a.duplicates, `batch ${k}`).toBe(batches[k]!.length);
    }
  });

  it('over random batches with repeats and resends, accepted is exactly the new rows and duplicates exactly the rest', async () => {
    const unit = await makeUnit(t.em());
    const random = rng(13);
    for (let round = 0; round < 8; round++) {
      const before = (await storedTimes(t.em(), unit.id)).size;
      // Times drawn from a small set, so batches repeat themselves and each other.
      const batch = Array.from({ length: 40 }, () => fix(600 + Math.floor(random() * 60) * 5, 0));
      const result = (await send(unit.id, batch)).data!.recordPositions;
      const after = (await storedTimes(t.em(), unit.id)).size;
      expect(result.rejected).toEqual([]);
      expect(result.accepted).toBe(after - before);
      expect(result.duplicates).toBe(batch.length - result.accepted);
    }
  });
});
