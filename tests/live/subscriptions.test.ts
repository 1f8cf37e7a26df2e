import {
  ImportIncidentsDocument,
  IncidentReportedDocument,
  type PositionInput,
  RecordPositionsDocument,
  ReportIncidentDocument,
  SiteOverdueDocument,
  UnitPositionsDocument,
  VisitRecordedDocument,
} from '@vigil/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSite, makeUnit, offset, SOUTH_END_GREEN, stay } from '../support/factories.js';
import { subscribe, walk } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let planner: string;
let analyst: string;
beforeAll(async () => {
  // Look for overdue sites every 300 ms instead of every 30 s.
  t = await startTestServer({}, { live: { overdueCheckMs: 300 } });
  planner = await t.tokenFor('PLANNER');
  analyst = await t.tokenFor('ANALYST');
});
afterAll(() => t?.close());

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000);
const record = (unitId: string, positions: PositionInput[]) => t.gql(RecordPositionsDocument, { unitId, positions }, planner);
const times = (fixes: { recordedAt: string }[]) => fixes.map((f) => new Date(f.recordedAt).toISOString());

describe('live subscriptions over graphql-ws', () => {
  it('a dashboard sees the fixes inside its box as units send them', async () => {
    const unit = await makeUnit(t.em(), { callSign: 'IS-L1' });
    const elsewhere = await makeUnit(t.em());
    const start = offset(SOUTH_END_GREEN, 0, -4000);
    const [west, south] = offset(start, 252, -100);
    const [east, north] = offset(start, 2000, 100);
    const bbox = { west, south, east, north };
    const feed = await subscribe(t.em(), t.url, analyst, UnitPositionsDocument, { bbox });

    // 100 fixes heading east, 5 m apart: the second half is inside the box.
    const fixes = walk(start, minutesAgo(20), 100);
    await record(elsewhere.id, walk(offset(start, 0, 3000), minutesAgo(20), 50));
    expect((await record(unit.id, fixes)).data?.recordPositions.accepted).toBe(100);
    const event = await feed.next((e) => e.unitPositions.unit.id === unit.id);
    expect(event.unitPositions.unit.callSign).toBe('IS-L1');
    expect(event.unitPositions.replayed).toBe(false);
    const inside = fixes.filter((f) => f.longitude >= west && f.longitude <= east);
    expect(inside).toHaveLength(49);
    expect(event.unitPositions.positions.map((p) => p.recordedAt)).toEqual(times(inside));
    expect(event.unitPositions.positions[0]).toMatchObject({ longitude: inside[0]!.longitude, latitude: inside[0]!.latitude, speed: 5 });
    // The other unit, sent first, was outside the box: nothing came for it.
    expect(feed.events.filter((e) => e.unitPositions.unit.id === elsewhere.id)).toEqual([]);
    await feed.close();

    const audited = await t
      .em()
      .getConnection()
      .execute(`select actor_role from audit_events where operation = 'unitPositions' order by id desc limit 1`);
    expect(audited[0]!.actor_role).toBe('ANALYST');
  });

  it('a dashboard that reconnects with `since` first gets the fixes stored while it was away', async () => {
    const unit = await makeUnit(t.em());
    const track = walk(offset(SOUTH_END_GREEN, 0, 4000), minutesAgo(30), 30);
    const first = await subscribe(t.em(), t.url, analyst, UnitPositionsDocument, {});
    await record(unit.id, track.slice(0, 10));
    const seen = await first.next((e) => e.unitPositions.unit.id === unit.id);
    await first.close();

    // Away: these are stored while nobody listens.
    await record(unit.id, track.slice(10, 20));

    const since = new Date(new Date(seen.unitPositions.storedAt).getTime() - 60_000).toISOString();
    const again = await subscribe(t.em(), t.url, analyst, UnitPositionsDocument, { since });
    const replayed = await again.next((e) => e.unitPositions.unit.id === unit.id);
    expect(replayed.unitPositions.replayed).toBe(true);
    expect(replayed.unitPositions.positions.map((p) => p.recordedAt)).toEqual(times(track.slice(0, 20)));
    // And then live again.
    await record(unit.id, track.slice(20));
    const live = await again.next((e) => e.unitPositions.unit.id === unit.id && !e.unitPositions.replayed);
    expect(live.unitPositions.positions.map((p) => p.recordedAt)).toEqual(times(track.slice(20)));
    await again.close();

    await expect(subscribe(t.em(), t.url, analyst, UnitPositionsDocument, { since: minutesAgo(61).toISOString() })).rejects.toThrow(
      /since: may reach back at most 60 minutes/,
    );
    await expect(
      subscribe(t.em(), t.url, analyst, UnitPositionsDocument, { bbox: { west: 1, south: 51, east: 0, north: 52 } }),
    ).rejects.toThrow(/west \(1\) must be less than east \(0\)/);
  });

  it('a batch the replay already sent is not sent again when its notification comes late', async () => {
    const unit = await makeUnit(t.em());
    const track = walk(offset(SOUTH_END_GREEN, 500, 4000), minutesAgo(30), 20);
    // Stored while nobody listens; its notification is taken to be still on its way.
    await record(unit.id, track.slice(0, 10));
    const since = minutesAgo(1).toISOString();
    const feed = await subscribe(t.em(), t.url, analyst, UnitPositionsDocument, { since });
    const replayed = await feed.next((e) => e.unitPositions.unit.id === unit.id);
    expect(replayed.unitPositions.replayed).toBe(true);
    expect(replayed.unitPositions.positions.map((p) => p.recordedAt)).toEqual(times(track.slice(0, 10)));
    // The late notification: the same batch, and with it one fix the replay did not have.
    const late = [...track.slice(0, 10), track[10]!].map((f) => ({ ...f, recordedAt: new Date(f.recordedAt) }));
    t.server.publishPositions(unit.id, late, new Date(replayed.unitPositions.storedAt));
    await record(unit.id, track.slice(11));
    const last = times(track.slice(19))[0];
    await feed.next((e) => e.unitPositions.unit.id === unit.id && e.unitPositions.positions.some((p) => p.recordedAt === last));
    // Live, after the replay: the one fix it did not have, then the next batch; nothing twice.
    const live = feed.events
      .filter((e) => e.unitPositions.unit.id === unit.id && !e.unitPositions.replayed)
      .flatMap((e) => e.unitPositions.positions.map((p) => p.recordedAt));
    expect(live).toEqual(times(track.slice(10)));
    await feed.close();
  });

  it('a stay at a synagogue is announced as a visit that grows while it lasts, keeping its id', async () => {
    const at = offset(SOUTH_END_GREEN, 3000, 3000);
    const site = await makeSite(t.em(), { name: 'Synagogue (live)', at });
    const unit = await makeUnit(t.em(), { callSign: 'CN-V1' });
    const feed = await subscribe(t.em(), t.url, await t.tokenFor('SUPERINTENDENT'), VisitRecordedDocument);
    const fixes = stay(at, new Date(Math.floor(minutesAgo(40).getTime() / 1000) * 1000), 12).map((f) => ({
      ...f,
      recordedAt: f.recordedAt.toISOString(),
    }));
    await record(unit.id, fixes.slice(0, 61)); // the first 5 minutes
    const started = await feed.next((e) => e.visitRecorded.site.id === site.id);
    expect(started.visitRecorded).toMatchObject({
      unit: { id: unit.id, callSign: 'CN-V1' },
      fixes: 61,
      dwellMinutes: 5,
      koperCompliant: false,
    });

    await record(unit.id, fixes.slice(61)); // the other 7
    const grown = await feed.next((e) => e.visitRecorded.site.id === site.id && e.visitRecorded.fixes > 61);
    expect(grown.visitRecorded).toMatchObject({
      id: started.visitRecorded.id,
      fixes: fixes.length,
      dwellMinutes: 12,
      koperCompliant: true,
    });
    expect(grown.visitRecorded.enteredAt).toBe(started.visitRecorded.enteredAt);
    await feed.close();
  });

  it('reported and imported incidents are announced, one event each', async () => {
    const feed = await subscribe(t.em(), t.url, analyst, IncidentReportedDocument);
    const location = { type: 'Point', coordinates: offset(SOUTH_END_GREEN, 100, 100) };
    const reported = await t.gql(
      ReportIncidentDocument,
      { input: { category: 'vehicle-crime', occurredAt: minutesAgo(90).toISOString(), location, sourceRef: 'live-1' } },
      analyst,
    );
    const first = await feed.next();
    expect(first.incidentReported).toMatchObject({ id: reported.data!.reportIncident.id, category: 'vehicle-crime', sourceRef: 'live-1' });

    const refs = ['live-2', 'live-3', 'live-4'];
    const imported = await t.gql(
      ImportIncidentsDocument,
      { incidents: refs.map((sourceRef) => ({ category: 'burglary', occurredAt: minutesAgo(80).toISOString(), location, sourceRef })) },
      planner,
    );
    expect(imported.data?.importIncidents.imported).toBe(3);
    await feed.next((e) => e.incidentReported.sourceRef === 'live-4');
    expect(feed.events.map((e) => e.incidentReported.sourceRef)).toEqual(['live-1', ...refs]);
    await feed.close();
  });

  it('a site is announced when it goes overdue', async () => {
    const feed = await subscribe(t.em(), t.url, analyst, SiteOverdueDocument);
    // 48 visits a day: overdue 30 minutes after the last visit, or here after joining the
    // list, which it did 29 min 57 s ago.
    const activeFrom = new Date(Date.now() - 30 * 60_000 + 3000);
    const site = await makeSite(t.em(), { name: 'School (overdue)', requiredVisitsPerDay: 48, activeFrom });
    const event = await feed.next((e) => e.siteOverdue.site.id === site.id);
    expect(event.siteOverdue).toEqual({
      site: { id: site.id, name: 'School (overdue)', requiredVisitsPerDay: 48 },
      dueBy: new Date(activeFrom.getTime() + 30 * 60_000).toISOString(),
      lastVisitAt: null,
    });
    await feed.close();
  });
});
