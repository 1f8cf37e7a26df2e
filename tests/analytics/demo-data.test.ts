import { HotspotsDocument, IncidentsDocument, type IncidentsQuery, IncidentTrendDocument, OperationsDocument } from '@vigil/schema';
import { loadWards } from '@vigil/seeds';
import { seedDemo } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphQLResponse } from '../support/server.js';
import { startTestServer, type TestServer } from '../support/server.js';

// The API over the full demo data, as `npm start` loads it.
let t: TestServer;
let analyst: string;
const SOUTH_END_GREEN: [number, number] = [-0.1658, 51.5563];

beforeAll(async () => {
  t = await startTestServer();
  await seedDemo(t.em(), { rules: { radiusMetres: 50, gapSeconds: 120 } });
  analyst = await t.tokenFor('ANALYST');
}, 900_000);
afterAll(() => t?.close());

async function allIds(filter: object): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null | undefined = null;
  do {
    const page: GraphQLResponse<IncidentsQuery> = await t.gql(IncidentsDocument, { filter, first: 500, after }, analyst);
    expect(page.errors).toBeUndefined();
    ids.push(...page.data!.incidents.nodes.map((n) => n.id));
    after = page.data!.incidents.pageInfo.hasNextPage ? page.data!.incidents.pageInfo.endCursor : null;
  } while (after);
  return ids.sort();
}

const reference = async (sql: string, params: unknown[]) =>
  (await t.em().execute<{ id: string }[]>(`select id from incidents where ${sql} order by id`, params)).map((r) => r.id);

describe('the API on the demo data', () => {
  it('the after-dark vehicle-crime Gi* map marks South End Green HOT_99', async () => {
    const to = new Date();
    const from = new Date(to.getTime() - 120 * 86_400_000);
    const result = await t.gql(
      HotspotsDocument,
      {
        input: {
          filter: { from: from.toISOString(), to: to.toISOString(), categories: ['vehicle-crime'], darkness: 'DARK' },
          cellSize: 250,
          method: 'GI_STAR',
        },
      },
      analyst,
    );
    expect(result.errors).toBeUndefined();
    const [bng] = await t
      .em()
      .execute<{ x: number; y: number }[]>(
        `select ST_X(g) x, ST_Y(g) y from ST_Transform(ST_SetSRID(ST_MakePoint(?, ?), 4326), 27700) g`,
        SOUTH_END_GREEN,
      );
    const green = result.data!.hotspots.cells.find((c) => c.id === `s250:${Math.floor(bng!.x / 250)}:${Math.floor(bng!.y / 250)}`);
    expect(green?.confidence).toBe('HOT_99');
    expect(result.data!.hotspots.summary.incidentCount).toBeGreaterThan(100);
  });

  it('the hate-crime trend reports a significant rise after the event day', async () => {
    const operations = await t.gql(OperationsDocument, {}, analyst);
    const eventAt = operations.data!.operations[0]!.startsAt;
    const trend = (await t.gql(IncidentTrendDocument, { eventAt, days: 28, filter: { hateCrime: true } }, analyst)).data!.incidentTrend;
    expect(trend.after).toBeGreaterThan(trend.before);
    expect(trend.significant).toBe(true);
    expect(trend.pValue).toBeLessThan(0.05);
    expect(trend.lower95).toBeGreaterThan(1);
  });

  it('a bbox query and a within-polygon query return exactly the incidents ST_Intersects returns', async () => {
    const [w, s, e, n] = [-0.18, 51.545, -0.15, 51.565];
    const inBox = await allIds({ bbox: { west: w, south: s, east: e, north: n } });
    expect(inBox.length).toBeGreaterThan(500);
    expect(inBox).toEqual(await reference('ST_Intersects(location, ST_MakeEnvelope(?, ?, ?, ?, 4326))', [w, s, e, n]));

    const belsize = loadWards().find((ward) => ward.name === 'Belsize')!.boundary;
    const inWard = await allIds({ within: belsize });
    expect(inWard.length).toBeGreaterThan(100);
    expect(inWard).toEqual(await reference('ST_Intersects(location, ST_SetSRID(ST_GeomFromGeoJSON(?), 4326))', [JSON.stringify(belsize)]));
  });
});
