import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadWards } from '@vigil/seeds';
import { exportSites, exportZones, importSitesGeoJson, importZonesGeoJson, type Orm, openOrm } from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runVigil } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-geojson-'));
const write = (name: string, value: unknown) => {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
};

let source: TestDatabase;
let target: TestDatabase;
let sourceOrm: Orm;
let targetOrm: Orm;
const em = (orm: Orm) => orm.em.fork() as unknown as EntityManager;

beforeAll(async () => {
  [source, target] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  sourceOrm = await openOrm(source.url, 2);
  targetOrm = await openOrm(target.url, 2);
});
afterAll(async () => {
  await sourceOrm?.close(true);
  await targetOrm?.close(true);
  await source?.drop();
  await target?.drop();
});

describe('GeoJSON in and out: zones, sites and positions', () => {
  it('the ward boundaries import as zones; an export imported elsewhere and exported again is identical', async () => {
    const wards = join(dir, 'wards.geojson');
    writeFileSync(wards, readFileSync(new URL('../../seeds/data/camden-islington-wards-2014.geojson', import.meta.url)));
    const imported = await runVigil(['import', 'zones', wards], source.url);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain('Imported 34\n');

    const exportFile = join(dir, 'zones.geojson');
    const exported = await runVigil(['export', 'zones', exportFile], source.url);
    expect(exported.code, exported.stderr).toBe(0);
    const collection = JSON.parse(readFileSync(exportFile, 'utf8'));
    expect(collection.features).toHaveLength(34);
    const hampstead = collection.features.find((f: { properties: { name: string } }) => f.properties.name === 'Hampstead Town');
    const ward = loadWards().find((w) => w.name === 'Hampstead Town')!;
    expect(hampstead.properties).toMatchObject({ borough: 'Camden', gssCode: ward.gssCode });
    expect(hampstead.geometry).toEqual(ward.boundary);

    const copied = await importZonesGeoJson(em(targetOrm), exportFile);
    expect(copied).toMatchObject({ read: 34, imported: 34, updated: 0, skipped: [] });
    expect(await exportZones(em(targetOrm))).toEqual(await exportZones(em(sourceOrm)));

    // Importing the export again updates the same zones by id instead of adding more.
    const again = await importZonesGeoJson(em(targetOrm), exportFile);
    expect(again).toMatchObject({ imported: 0, updated: 34 });
    expect((await exportZones(em(targetOrm))).features).toHaveLength(34);
  });

  it('a self-intersecting zone is skipped with the reason PostGIS gives; the others import', async () => {
    const square = [
      [
        [-0.17, 51.55],
        [-0.16, 51.55],
        [-0.16, 51.56],
        [-0.17, 51.56],
        [-0.17, 51.55],
      ],
    ];
    const bowtie = [
      [
        [-0.17, 51.55],
        [-0.16, 51.56],
        [-0.16, 51.55],
        [-0.17, 51.56],
        [-0.17, 51.55],
      ],
    ];
    const file = write('drawn.geojson', {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Polygon', coordinates: square },
          properties: { name: 'Drawn square', targetMinutesPerDay: 90 },
        },
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: bowtie }, properties: { name: 'Bow tie' } },
        { type: 'Feature', geometry: { type: 'Polygon', coordinates: square }, properties: {} },
      ],
    });
    const summary = await importZonesGeoJson(em(targetOrm), file);
    expect(summary.imported).toBe(1);
    expect(summary.skipped).toEqual(
      expect.arrayContaining([
        { reason: 'bad geometry: is not a valid polygon: Self-intersection', count: 1, lines: [2] },
        { reason: 'no name', count: 1, lines: [3] },
      ]),
    );
  });

  it('sites import with their kind, risk and visits (high risk: twice a day by default) and round-trip through export', async () => {
    const file = write('sites.geojson', {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [-0.1745, 51.5431] },
          properties: { name: 'Imported synagogue (demo)', kind: 'synagogue', riskLevel: 'high', community: 'Jewish' },
        },
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [-0.1644, 51.5501] },
          properties: { name: 'Imported shop (demo)', kind: 'Business', requiredVisitsPerDay: 1 },
        },
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [-0.1, 51.55] },
          properties: { name: 'A dragon lair', kind: 'DRAGON_LAIR' },
        },
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [-3.19, 55.95] },
          properties: { name: 'Edinburgh shop', kind: 'BUSINESS' },
        },
      ],
    });
    const cli = await runVigil(['import', 'sites', file], target.url);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('Imported 2\n');
    expect(cli.stdout).toContain('unknown site kind: 1 (feature 3)');
    expect(cli.stdout).toContain('outside the area: 1 (feature 4)');

    const sites = await exportSites(em(targetOrm));
    expect(
      sites.features.map((f) => [f.properties.name, f.properties.kind, f.properties.riskLevel, f.properties.requiredVisitsPerDay]),
    ).toEqual([
      ['Imported shop (demo)', 'BUSINESS', 'MEDIUM', 1],
      ['Imported synagogue (demo)', 'SYNAGOGUE', 'HIGH', 2],
    ]);

    // The same file again: nothing new (same name within 25 m); the export again: updates by id.
    expect((await importSitesGeoJson(em(targetOrm), file)).imported).toBe(0);
    const exportFile = join(dir, 'sites-export.geojson');
    const out = await runVigil(['export', 'sites', exportFile], target.url);
    expect(out.code, out.stderr).toBe(0);
    const intoSource = await importSitesGeoJson(em(sourceOrm), exportFile);
    expect(intoSource).toMatchObject({ imported: 2, updated: 0 });
    expect(await exportSites(em(sourceOrm))).toEqual(sites);
  });

  it('positions as GeoJSON points (with times) or a line (with coordTimes) import for the named unit, in order', async () => {
    const conn = em(targetOrm).getConnection();
    const [{ id }] = (await conn.execute(
      `insert into patrol_units (id, call_sign, kind, team, borough) values (gen_random_uuid(), 'IS-T2', 'FOOT', 'Islington test', 'Islington') returning id`,
    )) as [{ id: string }];
    const file = write('positions.geojson', {
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [-0.105, 51.545] },
          properties: { recordedAt: '2026-11-20T10:00:00Z', accuracy: 6, speed: 1.3, heading: 90 },
        },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [-0.1049, 51.545] }, properties: { time: 1_795_168_805_000 } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [-0.1048, 51.545] }, properties: {} },
        {
          type: 'Feature',
          geometry: {
            type: 'LineString',
            coordinates: [
              [-0.1047, 51.5451],
              [-0.1046, 51.5452],
              [-0.1045, 51.5453],
            ],
          },
          properties: { coordTimes: ['2026-11-20T10:00:15Z', '2026-11-20T10:00:20Z', 'not a time'] },
        },
      ],
    });
    const result = await runVigil(['import', 'positions', 'IS-T2', file], target.url);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Read 6 points');
    expect(result.stdout).toContain('Imported 4\n');
    expect(result.stdout).toContain('no time: 1 (point 3)');
    expect(result.stdout).toContain('bad time: 1 (point 6)');
    const rows = await conn.execute<{ lon: number; at: Date; accuracy: number | null }[]>(
      `select ST_X(location) as lon, recorded_at as at, accuracy from positions where unit_id = ? order by recorded_at`,
      [id],
    );
    expect(rows.map((r) => r.lon)).toEqual([-0.105, -0.1049, -0.1047, -0.1046]);
    expect(rows.map((r) => new Date(r.at).toISOString())).toEqual([
      '2026-11-20T10:00:00.000Z',
      '2026-11-20T10:00:05.000Z',
      '2026-11-20T10:00:15.000Z',
      '2026-11-20T10:00:20.000Z',
    ]);
    expect(rows[0]!.accuracy).toBe(6);
  });
});
