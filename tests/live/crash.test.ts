import { IssueDeviceTokenDocument, RecordPositionsDocument } from '@vigil/schema';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { makeUnit, offset, SOUTH_END_GREEN } from '../support/factories.js';
import { post, realPostgres, type ServerProcess, spawnServer, storedTimes, type WalkFix, walk } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { itUnless, needsRealPostgres } from '../support/skips.js';

// A server process is killed and started again on the same database: that database must
// outlive the process, which the embedded PGlite (inside the process) does not.

let t: TestServer;
beforeAll(async () => {
  if (realPostgres) t = await startTestServer();
});
afterAll(() => t?.close());

const BATCH = 500;

describe('durability of acknowledged positions', () => {
  itUnless(needsRealPostgres('a server process is killed and started again on a database that outlives it'))(
    'killing a server (SIGKILL) in the middle of sustained load loses no acknowledged position',
    async () => {
      const planner = await t.tokenFor('PLANNER');
      // Three devices, each with its own token, each sending batch after batch.
      const devices = await Promise.all(
        [0, 1, 2].map(async (i) => {
          const unit = await makeUnit(t.em());
          const token = (await t.gql(IssueDeviceTokenDocument, { unitId: unit.id }, planner)).data!.issueDeviceToken.token;
          // 30 batches of fixes a second apart, ending 10 minutes ago.
          const track = walk(offset(SOUTH_END_GREEN, 0, i * 3000), new Date(Date.now() - 30 * BATCH * 1000 - 600_000), 30 * BATCH, {
            speed: 2,
          });
          return { unitId: unit.id, token, track };
        }),
      );
      const acknowledged = new Map<string, Set<number>>(devices.map((d) => [d.unitId, new Set()]));
      const unacknowledged: { device: (typeof devices)[number]; batch: WalkFix[] }[] = [];
      let server: ServerProcess = await spawnServer(t.db.url, t.config.jwtSecret);
      let killed = false;
      let inFlight = 0;
      let batchesAcknowledged = 0;

      const send = async (device: (typeof devices)[number]) => {
        for (let start = 0; start < device.track.length && !killed; start += BATCH) {
          const batch = device.track.slice(start, start + BATCH);
          inFlight++;
          try {
            const result = await post(server.url, RecordPositionsDocument, { unitId: device.unitId, positions: batch }, device.token);
            const r = result.data?.recordPositions;
            if (!r) throw new Error(JSON.stringify(result.errors));
            expect(r.rejected).toEqual([]);
            // Acknowledged: stored now, or already stored before.
            for (const f of batch) acknowledged.get(device.unitId)!.add(new Date(f.recordedAt).getTime());
            batchesAcknowledged++;
          } catch (error) {
            if (!killed) throw error;
            unacknowledged.push({ device, batch });
            return;
          } finally {
            inFlight--;
          }
        }
      };
      const senders = devices.map(send);

      // Kill it once a few batches are in and while others are on their way.
      const deadline = new Promise<void>((resolve) => {
        const look = setInterval(() => {
          if (batchesAcknowledged >= 6 && inFlight > 0) {
            clearInterval(look);
            resolve();
          }
        }, 2);
      });
      await Promise.race([deadline, Promise.all(senders)]);
      killed = true;
      expect(await server.kill('SIGKILL')).toBe('SIGKILL');
      await Promise.all(senders);
      console.log(
        `SIGKILL with ${unacknowledged.length} batch(es) in flight, after ${batchesAcknowledged} acknowledged (${batchesAcknowledged * BATCH} fixes)`,
      );
      expect(batchesAcknowledged).toBeGreaterThanOrEqual(6);

      // Every acknowledged fix is in the database.
      for (const [unitId, times] of acknowledged) {
        const stored = await storedTimes(t.em(), unitId);
        const lost = [...times].filter((time) => !stored.has(time));
        expect(lost).toEqual([]);
      }

      // Started again, the devices resend what was never acknowledged: each fix ends up stored once.
      server = await spawnServer(t.db.url, t.config.jwtSecret);
      try {
        for (const { device, batch } of unacknowledged) {
          const result = await post(server.url, RecordPositionsDocument, { unitId: device.unitId, positions: batch }, device.token);
          const r = result.data!.recordPositions;
          expect(r.accepted + r.duplicates).toBe(batch.length);
          for (const f of batch) acknowledged.get(device.unitId)!.add(new Date(f.recordedAt).getTime());
        }
        for (const [unitId, times] of acknowledged) {
          const rows = await t
            .em()
            .getConnection()
            .execute(`select count(*)::int as n, count(distinct recorded_at)::int as distinct_times from positions where unit_id = ?`, [
              unitId,
            ]);
          expect(rows[0]).toEqual({ n: times.size, distinct_times: times.size });
        }
      } finally {
        await server.kill('SIGTERM');
      }
    },
  );
});
