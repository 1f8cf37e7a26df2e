import { RecordPositionsDocument, SiteOverdueDocument, UnitPositionsDocument } from '@vigil/schema';
import { LISTEN_APPLICATION_NAME, LIVE_CHANNEL } from '@vigil/server';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { makeSite, makeUnit, offset, SOUTH_END_GREEN } from '../support/factories.js';
import { eventually, post, realPostgres, spawnServer, startPeer, subscribe, walk } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { itUnless, needsRealPostgres } from '../support/skips.js';

// Several server processes need a database they all reach: the embedded PGlite lives
// inside one process. CI always has DATABASE_URL.

let t: TestServer;
let analyst: string;
let planner: string;
beforeAll(async () => {
  if (!realPostgres) return;
  // A slow reconnect, so a test can send positions while the LISTEN connection is down.
  t = await startTestServer({}, { live: { overdueCheckMs: 300, reconnectDelayMs: 3000 } });
  analyst = await t.tokenFor('ANALYST');
  planner = await t.tokenFor('PLANNER');
});
afterAll(() => t?.close());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);

describe('live events across server processes (PostgreSQL LISTEN/NOTIFY)', () => {
  itUnless(needsRealPostgres('two server processes share one database'))(
    'a position sent to one server process reaches a subscriber on another',
    async () => {
      const other = await spawnServer(t.db.url, t.config.jwtSecret);
      try {
        expect(await (await fetch(`${other.url}/health`)).json()).toEqual({ status: 'ok', database: 'postgres' });
        const unit = await makeUnit(t.em(), { callSign: 'CN-X1' });
        const onOther = await subscribe(t.em(), other.url, analyst, UnitPositionsDocument, {});
        const onThis = await subscribe(t.em(), t.url, analyst, UnitPositionsDocument, {});

        // 1,000 fixes (70 kB as JSON): the other process reads them back from the table, this
        // one hands its subscriber the batch it holds (live/positions-by-reference.ts).
        const fixes = walk(SOUTH_END_GREEN, minutesAgo(50), 1000);
        const sent = await t.gql(RecordPositionsDocument, { unitId: unit.id, positions: fixes }, planner);
        expect(sent.data?.recordPositions.accepted).toBe(1000);
        const heard = await onOther.next((e) => e.unitPositions.unit.id === unit.id);
        expect(heard.unitPositions.unit.callSign).toBe('CN-X1');
        expect(heard.unitPositions.positions.map((p) => p.recordedAt)).toEqual(fixes.map((f) => new Date(f.recordedAt).toISOString()));
        expect(heard.unitPositions.positions[999]).toMatchObject({ longitude: fixes[999]!.longitude, latitude: fixes[999]!.latitude });

        // And the other way round.
        const more = walk(offset(SOUTH_END_GREEN, 5000, 0), minutesAgo(30), 10);
        const sentThere = await post(other.url, RecordPositionsDocument, { unitId: unit.id, positions: more }, planner);
        expect(sentThere.data?.recordPositions.accepted).toBe(10);
        const back = await onThis.next((e) => e.unitPositions.unit.id === unit.id && e.unitPositions.positions.length === 10);
        expect(back.unitPositions.positions.map((p) => p.recordedAt)).toEqual(more.map((f) => new Date(f.recordedAt).toISOString()));
        await onOther.close();
        await onThis.close();
      } finally {
        await other.kill('SIGTERM');
      }
    },
  );

  itUnless(needsRealPostgres('NOTIFY is PostgreSQL’s'))(
    'a batch crosses between processes as a reference of a few hundred bytes, whatever its size',
    async () => {
      const listener = new pg.Client({ connectionString: t.db.url });
      await listener.connect();
      const payloads: string[] = [];
      listener.on('notification', (n) => {
        if (n.channel === LIVE_CHANNEL) payloads.push(n.payload ?? '');
      });
      try {
        await listener.query(`listen ${LIVE_CHANNEL}`);
        const unit = await makeUnit(t.em());
        const fixes = walk(offset(SOUTH_END_GREEN, 3000, 3000), minutesAgo(45), 1000);
        const sent = await t.gql(RecordPositionsDocument, { unitId: unit.id, positions: fixes }, planner);
        expect(sent.data?.recordPositions.accepted).toBe(1000);
        // Whatever names the unit's positions: one notification, with its unit, transaction and
        // span of times, not the fixes (70 kB of them went as nine parts before).
        const positions = () => payloads.filter((p) => p.includes(unit.id) && !p.includes('"t":"visits"'));
        await eventually(async () => positions().length > 0);
        await new Promise((r) => setTimeout(r, 200));
        expect(positions()).toHaveLength(1);
        const [reference] = positions();
        expect(reference!.length).toBeLessThan(500);
        expect(JSON.parse(reference!)).toMatchObject({
          p: {
            unitId: unit.id,
            from: new Date(fixes[0]!.recordedAt).getTime(),
            to: new Date(fixes[999]!.recordedAt).getTime(),
            count: 1000,
          },
        });
      } finally {
        await listener.end();
      }
    },
  );

  itUnless(needsRealPostgres('two server processes share one database'))(
    'with two servers on one database, a site going overdue is announced once, by one of them',
    async () => {
      const peer = await startPeer(t, { overdueCheckMs: 300 });
      try {
        const feed = await subscribe(t.em(), t.url, analyst, SiteOverdueDocument);
        // Both servers look every 300 ms; 48 visits a day makes a site overdue 30 min after joining the list.
        const first = await makeSite(t.em(), { requiredVisitsPerDay: 48, activeFrom: new Date(Date.now() - 30 * 60_000 + 2000) });
        const later = await makeSite(t.em(), { requiredVisitsPerDay: 48, activeFrom: new Date(Date.now() - 30 * 60_000 + 4000) });
        await feed.next((e) => e.siteOverdue.site.id === later.id);
        // Had both servers led, `first` would have come twice before `later`.
        expect(feed.events.map((e) => e.siteOverdue.site.id)).toEqual([first.id, later.id]);
        // Both servers tried to lead; one holds the lock.
        const [sessions] = await t
          .em()
          .getConnection()
          .execute(
            `select count(*)::int as tried, count(l.pid)::int as leading
           from pg_stat_activity a left join pg_locks l on l.pid = a.pid and l.locktype = 'advisory' and l.granted
           where a.datname = current_database() and a.application_name = 'vigil-overdue-leader'`,
          );
        expect(sessions).toEqual({ tried: 2, leading: 1 });
        await feed.close();
      } finally {
        await peer.close();
      }
    },
  );

  itUnless(needsRealPostgres('two server processes share one database'))(
    'a server whose LISTEN connection drops reconnects, and replays to its subscribers what it missed',
    async () => {
      const unit = await makeUnit(t.em());
      const feed = await subscribe(t.em(), t.url, analyst, UnitPositionsDocument, {});
      const conn = t.em().getConnection();
      const listening = () =>
        conn.execute<{ pid: number }[]>(`select pid from pg_stat_activity where datname = current_database() and application_name = ?`, [
          LISTEN_APPLICATION_NAME,
        ]);
      const [before] = await listening();
      expect(before).toBeDefined();
      await conn.execute('select pg_terminate_backend(?)', [before!.pid]);

      // Sent while this server hears nothing (it waits 3 s before reconnecting).
      const missed = walk(offset(SOUTH_END_GREEN, 0, -6000), minutesAgo(40), 10);
      expect((await t.gql(RecordPositionsDocument, { unitId: unit.id, positions: missed }, planner)).data?.recordPositions.accepted).toBe(
        10,
      );
      const replayed = await feed.next((e) => e.unitPositions.unit.id === unit.id);
      expect(replayed.unitPositions.replayed).toBe(true);
      expect(replayed.unitPositions.positions.map((p) => p.recordedAt)).toEqual(missed.map((f) => new Date(f.recordedAt).toISOString()));

      const after = await eventually(async () => (await listening())[0]);
      expect(after.pid).not.toBe(before!.pid);
      const next = walk(offset(SOUTH_END_GREEN, 0, -6000), minutesAgo(20), 10);
      await t.gql(RecordPositionsDocument, { unitId: unit.id, positions: next }, planner);
      const live = await feed.next((e) => e.unitPositions.unit.id === unit.id && !e.unitPositions.replayed);
      expect(live.unitPositions.positions.map((p) => p.recordedAt)).toEqual(next.map((f) => new Date(f.recordedAt).toISOString()));
      await feed.close();
    },
  );
});
