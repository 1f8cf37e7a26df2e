import { HotspotAccuracyDocument, IncidentsDocument, IncidentTrendDocument } from '@vigil/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offset, SOUTH_END_GREEN } from '../support/factories.js';
import { insertIncidents, type RawIncident, rng } from '../support/incidents.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let analyst: string;
const DAY = 86_400_000;
const eventAt = new Date('2026-10-07T06:30:00Z');

beforeAll(async () => {
  t = await startTestServer();
  analyst = await t.tokenFor('ANALYST');
  const rows: RawIncident[] = [];
  // 28 days either side of the event: antisemitic incidents 1 a day before, 3 a day after;
  // anti-Muslim 2 a day on both sides; burglary 4 a day on both sides.
  for (let d = -28; d < 28; d++) {
    const day = eventAt.getTime() + d * DAY;
    const add = (n: number, category: string, flags: string[]) => {
      for (let k = 0; k < n; k++)
        rows.push({ category, occurredAt: new Date(day + (k + 1) * 3600_000), lon: SOUTH_END_GREEN[0], lat: SOUTH_END_GREEN[1], flags });
    };
    add(d < 0 ? 1 : 3, 'public-order', ['ANTISEMITIC']);
    add(2, 'public-order', ['ANTI_MUSLIM']);
    add(4, 'burglary', []);
  }
  // For the accuracy test: a cluster that persists from one period to the next, over noise.
  const random = rng(7);
  const hot = offset(SOUTH_END_GREEN, 800, -400);
  for (const [start, n] of [
    ['2026-06-01', 300],
    ['2026-07-01', 300],
  ] as const) {
    for (let k = 0; k < n; k++) {
      const [lon, lat] =
        k < 100
          ? offset(hot, (random() - 0.5) * 60, (random() - 0.5) * 60)
          : offset(SOUTH_END_GREEN, (random() - 0.5) * 2800, (random() - 0.5) * 2800);
      rows.push({ category: 'vehicle-crime', occurredAt: new Date(Date.parse(start) + random() * 29 * DAY), lon, lat });
    }
  }
  await insertIncidents(t.em(), rows);
});
afterAll(() => t?.close());

describe('before and after an event', () => {
  it('hate crime that tripled after the event is a significant rise, per community too', async () => {
    const result = await t.gql(IncidentTrendDocument, { eventAt: eventAt.toISOString(), days: 28, filter: { hateCrime: true } }, analyst);
    expect(result.errors).toBeUndefined();
    const trend = result.data!.incidentTrend;
    expect(trend).toMatchObject({ days: 28, before: 28 * 3, after: 28 * 5, significant: true });
    expect(trend.rateRatio).toBeCloseTo(140 / 84, 12);
    expect(trend.pValue).toBeLessThan(0.01);
    expect(trend.lower95).toBeGreaterThan(1);
    expect(trend.daily).toHaveLength(56);
    expect(trend.daily.filter((d) => d.afterEvent)).toHaveLength(28);
    expect(trend.daily[0]).toMatchObject({ count: 3, afterEvent: false });
    expect(trend.daily[55]).toMatchObject({ count: 5, afterEvent: true });
    const jewish = trend.byCommunity.find((c) => c.community === 'Jewish')!;
    const muslim = trend.byCommunity.find((c) => c.community === 'Muslim')!;
    expect(jewish).toMatchObject({ flag: 'ANTISEMITIC', before: 28, after: 84, significant: true });
    expect(jewish.rateRatio).toBe(3);
    expect(muslim).toMatchObject({ flag: 'ANTI_MUSLIM', before: 56, after: 56, significant: false, rateRatio: 1 });
    expect(muslim.pValue).toBeGreaterThan(0.9);
  });

  it('a steady category shows no significant change', async () => {
    const burglary = (
      await t.gql(IncidentTrendDocument, { eventAt: eventAt.toISOString(), days: 14, filter: { categories: ['burglary'] } }, analyst)
    ).data!.incidentTrend;
    expect(burglary).toMatchObject({ days: 14, before: 56, after: 56, rateRatio: 1, significant: false });
  });

  it('the exact test gives the textbook p-value for 10 before and 25 after', async () => {
    // Conditional on 35, P(X ≥ 25 | Binomial(35, ½)) = Σ C(35, k) / 2³⁵ for k = 25…35 = 0.0083369239; two-sided 0.0166738478.
    const { poissonRateTest } = await import('@vigil/server/analytics');
    expect(poissonRateTest(10, 25).pValue).toBeCloseTo(0.0166738478, 9);
  });

  it('an event less than a day ago, or a window of 0 days, is BAD_USER_INPUT', async () => {
    const soon = await t.gql(IncidentTrendDocument, { eventAt: new Date().toISOString(), days: 7 }, analyst);
    expect(soon.errors?.[0]?.message).toMatch(/^eventAt: must be at least one whole day in the past/);
    const zero = await t.gql(IncidentTrendDocument, { eventAt: eventAt.toISOString(), days: 0 }, analyst);
    expect(zero.errors?.[0]?.message).toBe('days: must be a whole number from 1 to 365 (got 0)');
  });
});

describe('hot-spot accuracy', () => {
  it('a map of June scores July with PAI = (n/N) ÷ (a/A), hit rate and PEI', async () => {
    const [west, south] = offset(SOUTH_END_GREEN, -1500, -1500);
    const [east, north] = offset(SOUTH_END_GREEN, 1500, 1500);
    const result = await t.gql(
      HotspotAccuracyDocument,
      {
        input: {
          filter: {
            from: '2026-07-01T00:00:00Z',
            to: '2026-08-01T00:00:00Z',
            categories: ['vehicle-crime'],
            bbox: { west, south, east, north },
          },
          trainFrom: '2026-06-01T00:00:00Z',
          trainTo: '2026-07-01T00:00:00Z',
          method: 'COUNT',
          topShare: 0.02,
        },
      },
      analyst,
    );
    expect(result.errors).toBeUndefined();
    const a = result.data!.hotspotAccuracy;
    expect(a.testIncidents).toBe(300);
    // The map was built from June's vehicle crime in the box: as many as the incident list finds.
    const june = await t.gql(
      IncidentsDocument,
      {
        first: 1,
        filter: {
          from: '2026-06-01T00:00:00Z',
          to: '2026-07-01T00:00:00Z',
          categories: ['vehicle-crime'],
          bbox: { west, south, east, north },
        },
      },
      analyst,
    );
    expect(a.trainingIncidents).toBeGreaterThan(0);
    expect(a.trainingIncidents).toBe(june.data!.incidents.totalCount);
    // a/A by area (the flagged cells' parts inside the study area), not by counting cells.
    expect(a.areaShare).toBeCloseTo(a.flaggedSquareMetres / a.studyAreaSquareMetres, 12);
    expect(a.areaShare).toBeGreaterThanOrEqual(0.02);
    expect(a.hitRate).toBeCloseTo(a.testIncidentsCaptured / 300, 12);
    expect(a.pai).toBeCloseTo(a.hitRate / a.areaShare, 9);
    expect(a.pei).toBeCloseTo(a.pai! / a.maxPai!, 9);
    // The persistent cluster (a third of July's crimes) falls in the flagged 2 % of the area.
    expect(a.testIncidentsCaptured).toBeGreaterThanOrEqual(100);
    expect(a.pai).toBeGreaterThan(10);
    expect(a.pei).toBeGreaterThan(0.8);
  });
});
