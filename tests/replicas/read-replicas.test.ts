import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CrimeCategoriesDocument,
  DashboardIncidentPointsDocument,
  HotspotAccuracyDocument,
  HotspotsDocument,
  IncidentsDocument,
  IncidentTrendDocument,
  PreviewZoneDocument,
  ReportIncidentDocument,
} from '@vigil/schema';
import { openDatabase, startServer } from '@vigil/server';
import { type DocumentNode, print } from 'graphql';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { offset, SOUTH_END_GREEN } from '../support/factories.js';
import { eventually } from '../support/live.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { describeUnless } from '../support/skips.js';
import { onStandby, standby, startStandby, stopStandby } from '../support/standby.js';

/**
 * Analytics on a hot standby (db/replicas.ts), against a real primary and a real standby
 * fed by PostgreSQL's streaming replication (.ci/standby makes it). What is proved here:
 * reads run on the standby, writes on the primary, a caller reads their own writes at
 * once, a standby past the lag bound or stopped is left out with no failed request, and
 * it comes back.
 */
const suite = describeUnless('url' in standby ? null : standby.missing);
/** A statement that reads incidents (a select, or a with … select), in a form both JavaScript and PostgreSQL (~*) read alike. */
const READS_INCIDENTS = /^\s*(with|select)\s.*\sfrom "?incidents"?\s/is;

const MAX_LAG_SECONDS = 3;
const WINDOW = { from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
const filter = { ...WINDOW, categories: ['burglary'] };

suite('read replicas', () => {
  const { url: standbyUrl, dir } = standby as { url: string; dir: string };
  let t: TestServer;
  let database: string;
  const lines: string[] = [];
  let analyst: string;
  let planner: string;

  const count = async (token: string, url = t.url) => {
    const result = await freshPost<{ incidents: { totalCount: number } }>(url, IncidentsDocument, { filter, first: 1 }, token);
    expect(result.errors).toBeUndefined();
    return result.data!.incidents.totalCount;
  };
  const report = async (token: string, url = t.url) => {
    const result = await freshPost(
      url,
      ReportIncidentDocument,
      { input: { category: 'burglary', occurredAt: '2026-10-15T21:00:00Z', location: { type: 'Point', coordinates: SOUTH_END_GREEN } } },
      token,
    );
    expect(result.errors).toBeUndefined();
  };
  /**
   * The analyst's count once the standby answers what the primary has: a standby in
   * rotation may still be up to the lag bound behind the test before's incident (a count
   * read from it one short made the next test fail once).
   */
  const caughtUp = async () => {
    const { n } = await eventually(async () => {
      const [primary] = await t
        .em()
        .getConnection()
        .execute<{ n: number }[]>(
          `select count(*)::int as n from incidents where category = 'burglary' and occurred_at >= ? and occurred_at < ?`,
          [WINDOW.from, WINDOW.to],
        );
      return (await count(analyst)) === primary!.n ? primary : null;
    });
    return n;
  };
  const replicaState = async () => {
    const health = (await freshGet(`${t.url}/health`)) as { replicas: { state: string; lagSeconds: number | null }[] };
    return health.replicas[0]!;
  };
  const replay = (action: 'pause' | 'resume') => onStandby(standbyUrl, database, `select pg_wal_replay_${action}()`);

  beforeAll(async () => {
    t = await startTestServer(
      { DATABASE_REPLICA_MAX_LAG_SECONDS: String(MAX_LAG_SECONDS) },
      { standby: standbyUrl, replicaLog: (l) => lines.push(l) },
    );
    database = new URL(t.db.url).pathname.slice(1);
    analyst = await t.tokenFor('ANALYST');
    planner = await t.tokenFor('PLANNER');
    await eventually(async () => (await replicaState()).state === 'healthy');
  });
  afterAll(async () => {
    if (t) await replay('resume').catch(() => undefined);
    await t?.close();
  });

  it('runs analytics statements on the standby, where pg_stat_activity shows them', async () => {
    await report(planner);
    // The planner's write is replayed at once; the analyst has written nothing.
    await eventually(async () => (await count(analyst)) === 1);
    const seen = await onStandby<{ query: string }>(
      standbyUrl,
      database,
      `select query from pg_stat_activity where datname = current_database() and application_name = 'vigil-replica-reads'`,
    );
    expect(seen.some((s) => READS_INCIDENTS.test(s.query))).toBe(true);
    // ...and on the primary no session's last statement read incidents: it only wrote them.
    const [primary] = await t
      .em()
      .getConnection()
      .execute<{ n: number }[]>(
        `select count(*)::int as n from pg_stat_activity
         where datname = current_database() and pid <> pg_backend_pid() and query ~* '${READS_INCIDENTS.source}'`,
      );
    expect(primary!.n).toBe(0);
  });

  it('serves a read from the standby, yet a caller reads their own write at once (from the primary)', async () => {
    const before = await count(analyst);
    await replay('pause');
    try {
      await report(planner); // on the primary: the standby cannot take writes
      // The planner wrote: their read goes to the primary, which has the incident.
      expect(await count(planner)).toBe(before + 1);
      // The analyst did not: their read goes to the paused standby, which has not replayed it yet.
      expect(await count(analyst)).toBe(before);
    } finally {
      await replay('resume');
    }
    await eventually(async () => (await count(analyst)) === before + 1);
  });

  it('serves every analytic from the standby: hot spots, accuracy, trend, preview, category counts, map points', async () => {
    const supt = await t.tokenFor('SUPERINTENDENT');
    const [w, s] = [offset(SOUTH_END_GREEN, -500, -500), offset(SOUTH_END_GREEN, 500, 500)];
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [w[0], w[1]],
          [s[0], w[1]],
          [s[0], s[1]],
          [w[0], s[1]],
          [w[0], w[1]],
        ],
      ],
    };
    const inSquare = { ...filter, within: square };
    const figures = async (token: string) => {
      const results = await Promise.all([
        freshPost(t.url, HotspotsDocument, { input: { filter: inSquare, method: 'COUNT', cellSize: 250 } }, token),
        freshPost(t.url, HotspotAccuracyDocument, { input: { filter: inSquare, method: 'COUNT', cellSize: 250 } }, token),
        freshPost(
          t.url,
          IncidentTrendDocument,
          { eventAt: '2026-10-10T00:00:00Z', days: 10, filter: { categories: ['burglary'], within: square } },
          token,
        ),
        freshPost(t.url, PreviewZoneDocument, { boundary: square, filter }, token),
        freshPost(t.url, CrimeCategoriesDocument, { filter: inSquare }, token),
        freshPost(t.url, DashboardIncidentPointsDocument, { filter: inSquare }, token),
      ]);
      for (const r of results) expect(r.errors).toBeUndefined();
      const [hotspots, accuracy, trend, preview, categories, points] = results.map((r) => r.data) as unknown as [
        { hotspots: { summary: { incidentCount: number } } },
        { hotspotAccuracy: { testIncidents: number } },
        { incidentTrend: { after: number } },
        { previewZone: { incidents: number } },
        { crimeCategories: { slug: string; incidents: number }[] },
        { incidentPoints: { count: number } },
      ];
      return [
        hotspots.hotspots.summary.incidentCount,
        accuracy.hotspotAccuracy.testIncidents,
        trend.incidentTrend.after,
        preview.previewZone.incidents,
        categories.crimeCategories.find((c) => c.slug === 'burglary')!.incidents,
        points.incidentPoints.count,
      ];
    };
    const before = await figures(supt);
    await replay('pause');
    try {
      await report(planner);
      // Neither the superintendent nor the analyst wrote: their figures come from the paused standby.
      expect(await figures(supt)).toEqual(before);
      // The planner's own figures come from the primary, which has the incident.
      expect(await figures(planner)).toEqual(before.map((n) => n + 1));
    } finally {
      await replay('resume');
    }
    await eventually(async () => (await figures(supt)).every((n, k) => n === before[k]! + 1));
  });

  it('holds read-your-writes across API nodes: a write on one is read at once on another', async () => {
    const other = await openDatabase(t.config, { migrate: false, log: () => undefined, poolSize: 4 });
    const peer = await startServer({
      config: t.config,
      orm: other.orm,
      database: 'postgres',
      replicas: other.replicas,
      clientDir: '/nonexistent',
    });
    try {
      await eventually(async () => other.replicas!.status()[0]!.state === 'healthy');
      const before = await count(planner, peer.url);
      await replay('pause');
      try {
        await report(planner, t.url);
        expect(await count(planner, peer.url)).toBe(before + 1);
        expect(await count(analyst, peer.url)).toBe(before);
      } finally {
        await replay('resume');
      }
    } finally {
      await peer.stop();
      await other.close();
    }
  });

  it('takes a standby past the lag bound out of rotation (reads go to the primary) and back when it catches up', async () => {
    const before = await caughtUp();
    await replay('pause');
    try {
      await report(planner);
      const lagging = await eventually(async () => {
        const state = await replicaState();
        return state.state === 'lagging' ? state : null;
      });
      expect(lagging.lagSeconds).toBeGreaterThan(MAX_LAG_SECONDS);
      expect(lines.some((l) => /replica-1 .* is out of rotation: it is [\d.]+ s behind \(the bound is 3 s\)/.test(l))).toBe(true);
      // Out of rotation: the analyst's read is served by the primary, which has the incident.
      expect(await count(analyst)).toBe(before + 1);
    } finally {
      await replay('resume');
    }
    await eventually(async () => (await replicaState()).state === 'healthy');
    expect(lines.some((l) => /replica-1 .* is back in rotation/.test(l))).toBe(true);
  });

  it('loses no request when the standby stops, and brings it back when it returns', async () => {
    const expected = await caughtUp();
    const failures: unknown[] = [];
    let served = 0;
    let running = true;
    const reader = async () => {
      while (running) {
        const result = await freshPost<{ incidents: { totalCount: number } }>(t.url, IncidentsDocument, { filter, first: 1 }, analyst);
        if (result.errors || result.data?.incidents.totalCount !== expected) failures.push(result.errors ?? result.data);
        else served++;
        // Paced: a steady stream of reads, well inside the per-caller rate limit.
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const readers = [reader(), reader(), reader()];
    try {
      await eventually(() => served > 10);
      await stopStandby(dir);
      try {
        await eventually(async () => (await replicaState()).state === 'down');
        const atStop = served;
        await eventually(() => served > atStop + 10);
      } finally {
        await startStandby(dir);
      }
      await eventually(async () => (await replicaState()).state === 'healthy');
    } finally {
      running = false;
      await Promise.all(readers);
    }
    expect(JSON.stringify(failures.slice(0, 2))).toBe('[]');
    expect(served).toBeGreaterThan(20);
    // Back in rotation: the standby serves reads again.
    await replay('pause');
    try {
      await report(planner);
      expect(await count(analyst)).toBe(expected);
    } finally {
      await replay('resume');
    }
  });

  it('starts on the primary with one clear line for each replica it cannot use', async () => {
    const { spawnServer } = await import('../support/live.js');
    const replicas = [
      t.db.url, // the primary itself
      `${standbyUrl}postgres`, // a standby database without PostGIS
      'postgres://postgres@127.0.0.1:1/vigil', // nothing listens there
    ];
    const server = await spawnServer(t.db.url, t.config.jwtSecret, {
      DATABASE_REPLICA_URLS: replicas.join(','),
      VIGIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'vigil-replica-')),
    });
    try {
      const output = server.output();
      expect(output).toMatch(/replica-1 \(127\.0\.0\.1:\d+\/\w+\) is out of rotation: it is a primary, not a standby/);
      expect(output).toMatch(/replica-2 \(127\.0\.0\.1:\d+\/postgres\) is out of rotation: database postgres there has no PostGIS/);
      expect(output).toMatch(/replica-3 \(127\.0\.0\.1:1\/vigil\) is out of rotation: it does not answer/);
      for (const problem of ['a primary', 'no PostGIS', 'does not answer']) expect(output.split(problem).length - 1).toBe(1);
      const health = (await (await fetch(`${server.url}/health`)).json()) as { status: string; replicas: { state: string }[] };
      expect(health.status).toBe('ok');
      expect(health.replicas.map((r) => r.state)).toEqual(['misconfigured', 'misconfigured', 'down']);
      expect(await count(analyst, server.url)).toBeGreaterThan(0);
    } finally {
      await server.kill('SIGTERM');
    }
  });
});

/**
 * HTTP on a fresh connection each time: a kept-alive socket that the server closes as idle
 * just as it is reused fails with ECONNRESET, which would say nothing about the standby.
 */
function fresh(url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method, agent: false, headers: init.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => resolve(JSON.parse(text)));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const freshGet = (url: string) => fresh(url, { method: 'GET' });

function freshPost<T>(url: string, document: DocumentNode, variables: unknown, token: string) {
  return fresh(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: print(document), variables }),
  }) as Promise<{ data?: T; errors?: unknown }>;
}
