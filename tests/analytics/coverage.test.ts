import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { CoverageDocument, OverdueSitesDocument, PreviewZoneDocument } from '@vigil/schema';
import { PatrolZone, storePositions } from '@vigil/server';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drive, makeSite, makeUnit, offset, SOUTH_END_GREEN, stay } from '../support/factories.js';
import { insertIncidents } from '../support/incidents.js';
import { type GraphQLResponse, startTestServer, type TestServer } from '../support/server.js';
import { statementsDuring } from '../support/statements.js';

let t: TestServer;
let supt: string;
const rules = { radiusMetres: 50, gapSeconds: 120 };
const HOUR = 3600_000;
const dayStart = new Date(Date.now() - 24 * HOUR);
const at = (hours: number) => new Date(dayStart.getTime() + hours * HOUR);
const square = (centre: [number, number], half: number) => {
  const [w, s] = offset(centre, -half, -half);
  const [e, n] = offset(centre, half, half);
  return {
    type: 'Polygon' as const,
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ] as [number, number][][],
  };
};
// A 200 m square zone 2 km east of the green, crossed once through its middle by a unit.
const crossing = offset(SOUTH_END_GREEN, 2000, 0);
const ids: Record<string, string> = {};

beforeAll(async () => {
  t = await startTestServer();
  supt = await t.tokenFor('SUPERINTENDENT');
  const em = t.em();
  const visited = await makeSite(em, {
    name: 'A synagogue (demo)',
    at: SOUTH_END_GREEN,
    activeFrom: new Date(dayStart.getTime() - 30 * 24 * HOUR),
  });
  const passed = await makeSite(em, {
    name: 'B mosque (demo)',
    at: offset(SOUTH_END_GREEN, 0, 1000),
    activeFrom: new Date(dayStart.getTime() - 30 * 24 * HOUR),
  });
  const unit = await makeUnit(em);
  ids.visited = visited.id;
  ids.passed = passed.id;
  // A: two 12-minute stops (3 h ago would be overdue-safe; the second is 2 h before the end).
  // B: one drive-by 20 h before the end: more than 12 h ago, so overdue.
  const fixes = [
    ...stay(SOUTH_END_GREEN, at(2), 12),
    ...drive(offset(SOUTH_END_GREEN, 0, 1000), at(4), 300, -300, { kmh: 30 }),
    ...stay(SOUTH_END_GREEN, at(21), 12),
    ...drive(crossing, at(22), -400, 400, { kmh: 20, everySeconds: 5 }),
  ];
  await storePositions(em, unit.id, fixes, rules);
  const command = em.create(PatrolZone, {
    name: 'Command (demo)',
    boundary: { type: 'MultiPolygon', coordinates: [square(SOUTH_END_GREEN, 3000).coordinates] },
  });
  const small = em.create(PatrolZone, {
    name: 'Crossed square',
    boundary: { type: 'MultiPolygon', coordinates: [square(crossing, 100).coordinates] },
  });
  await em.flush();
  ids.command = command.id;
  ids.small = small.id;
  await insertIncidents(
    em,
    Array.from({ length: 40 }, (_, k) => {
      const [lon, lat] =
        k < 30 ? offset(SOUTH_END_GREEN, (k % 6) * 20 - 50, Math.floor(k / 6) * 20 - 50) : offset(SOUTH_END_GREEN, 2500, -2500 + k * 10);
      return { category: 'burglary', occurredAt: at(1 + k / 10), lon, lat };
    }),
  );
});
afterAll(() => t?.close());

describe('coverage', () => {
  it('per site: required vs achieved visits, compliance, dosage, Koper visits and overdue', async () => {
    const result = await t.gql(CoverageDocument, { input: { from: dayStart.toISOString(), to: at(24).toISOString() } }, supt);
    expect(result.errors).toBeUndefined();
    const report = result.data!.coverage;
    const a = report.sites.find((s) => s.site.id === ids.visited)!;
    const b = report.sites.find((s) => s.site.id === ids.passed)!;
    expect(a.requiredVisits).toBeCloseTo(2, 6);
    expect(a).toMatchObject({ achievedVisits: 2, koperCompliantVisits: 2, overdue: false });
    expect(a.compliance).toBeCloseTo(1, 6);
    expect(a.dosageMinutes).toBeCloseTo(24, 6);
    expect(b).toMatchObject({ achievedVisits: 1, koperCompliantVisits: 0, overdue: true });
    expect(b.compliance).toBeCloseTo(0.5, 6);
    expect(b.dosageMinutes).toBeLessThan(1);
    expect(report.totals).toMatchObject({ sites: 2, achievedVisits: 3, koperCompliantVisits: 2, overdueSites: 1 });
    expect(report.totals.compliance).toBeCloseTo(0.75, 6);
  });

  it('per zone: a 200 m square crossed once through its middle is half covered (r = 50 m)', async () => {
    const report = (
      await t.gql(CoverageDocument, { input: { from: dayStart.toISOString(), to: at(24).toISOString(), zoneId: ids.small } }, supt)
    ).data!.coverage;
    const zone = report.zones.find((z) => z.zone.id === ids.small)!;
    // A 100 m wide band across a 200 m square: 20,000 of 40,000 m².
    expect(zone.areaSquareMetres).toBeGreaterThan(39_500);
    expect(zone.areaSquareMetres).toBeLessThan(40_500);
    expect(zone.coveredShare).toBeGreaterThan(0.48);
    expect(zone.coveredShare).toBeLessThan(0.52);
  });

  it('computes each part of the report only when the query asks for it, and once', async () => {
    const input = { from: dayStart.toISOString(), to: at(24).toISOString() };
    const run = async (selection: string) => {
      type Report = { coverage: { totals?: { coveredShare: number | null } } };
      const document = parse(`query ($input: CoverageInput!) { coverage(input: $input) { ${selection} } }`) as TypedDocumentNode<
        Report,
        { input: typeof input }
      >;
      let result: GraphQLResponse<Report> | undefined;
      const statements = await statementsDuring(t, async () => {
        result = await t.gql(document, { input }, supt);
      });
      expect(result?.errors).toBeUndefined();
      // The zone coverage read (not the reach it keeps first, which depends on the hours
      // that settled since the last request), the Gi* grid (hot-spot dosage), the visits
      // (site figures).
      const count = (pattern: RegExp) => statements.filter((sql) => pattern.test(sql)).length;
      return { buffers: count(/reach as materialized/), grids: count(/ST_SquareGrid/), visits: count(/from visits v join chosen/), result };
    };
    expect(await run('sites { achievedVisits }')).toMatchObject({ buffers: 0, grids: 0, visits: 1 });
    expect(await run('zones { coveredShare }')).toMatchObject({ buffers: 1, grids: 0, visits: 0 });
    expect(await run('totals { compliance overdueSites }')).toMatchObject({ buffers: 0, grids: 0, visits: 1 });
    expect(await run('hotspotCells { dosageMinutes }')).toMatchObject({ buffers: 0, grids: 1, visits: 0 });
    // Zones and totals both need the zone coverage: it is computed once for both.
    const everything = await run(
      'sites { overdue } zones { coveredShare } hotspotCells { dosageMinutes } totals { coveredShare compliance }',
    );
    expect(everything).toMatchObject({ buffers: 1, grids: 1, visits: 1 });
    expect(everything.result?.data?.coverage.totals?.coveredShare).toBeGreaterThan(0);
  });

  it('overdue sites: the one last visited by a drive-by 20 hours ago, and not the one visited 2 hours ago', async () => {
    const overdue = (await t.gql(OverdueSitesDocument, {}, supt)).data!.overdueSites;
    expect(overdue.map((o) => o.site.id)).toEqual([ids.passed]);
    expect(overdue[0]!.overdueMinutes).toBeGreaterThan(7 * 60);
  });

  it('a planner previews a zone around the green: incidents, PAI and sites captured, nothing saved', async () => {
    const zonesBefore = Number((await t.em().execute(`select count(*) n from patrol_zones`))[0]!.n);
    const planner = await t.tokenFor('PLANNER');
    const boundary = square(SOUTH_END_GREEN, 100);
    const result = await t.gql(
      PreviewZoneDocument,
      { boundary, filter: { from: dayStart.toISOString(), to: at(24).toISOString() } },
      planner,
    );
    expect(result.errors).toBeUndefined();
    const p = result.data!.previewZone;
    expect(p.incidents).toBe(30);
    expect(p.incidentsInCommandArea).toBe(40);
    expect(p.pai).toBeCloseTo(30 / 40 / (p.areaSquareMetres / p.commandAreaSquareMetres), 9);
    expect(p.pai).toBeGreaterThan(100);
    expect(p.sites.map((s) => s.site.id)).toEqual([ids.visited]);
    expect(p.sites[0]!.achievedVisits).toBe(2);
    expect(Number((await t.em().execute(`select count(*) n from patrol_zones`))[0]!.n)).toBe(zonesBefore);
    const analyst = await t.tokenFor('ANALYST');
    expect(
      (await t.gql(PreviewZoneDocument, { boundary, filter: { from: dayStart.toISOString(), to: at(24).toISOString() } }, analyst))
        .errors?.[0]?.extensions?.code,
    ).toBe('FORBIDDEN');
  });
});
