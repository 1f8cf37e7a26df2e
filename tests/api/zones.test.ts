import { CreateZoneDocument, DeleteZoneDocument, UpdateZoneDocument, ZoneDocument, ZonesDocument } from '@vigil/schema';
import { loadWards } from '@vigil/seeds';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeUnit, offset, SOUTH_END_GREEN } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

let t: TestServer;
let planner: string;
beforeAll(async () => {
  t = await startTestServer();
  planner = await t.tokenFor('PLANNER');
});
afterAll(() => t?.close());

const square = (centre: [number, number], halfMetres: number) => {
  const [w, s] = offset(centre, -halfMetres, -halfMetres);
  const [e, n] = offset(centre, halfMetres, halfMetres);
  return {
    type: 'Polygon',
    coordinates: [
      [
        [w, s],
        [e, s],
        [e, n],
        [w, n],
        [w, s],
      ],
    ],
  };
};
const zoneCount = async () => Number((await t.em().getConnection().execute(`select count(*) n from patrol_zones`))[0]!.n);

describe('patrol zones', () => {
  it('a planner draws a 400 m square zone: stored as a MultiPolygon of about 160,000 m², with its units', async () => {
    const unit = await makeUnit(t.em());
    const result = await t.gql(
      CreateZoneDocument,
      { input: { name: 'South End Green patrol', boundary: square(SOUTH_END_GREEN, 200), unitIds: [unit.id], targetMinutesPerDay: 60 } },
      planner,
    );
    expect(result.errors).toBeUndefined();
    const zone = result.data!.createZone;
    expect(zone.boundary.type).toBe('MultiPolygon');
    expect(zone.boundary.coordinates).toEqual([square(SOUTH_END_GREEN, 200).coordinates]);
    // 400 m × 400 m, give or take the rounding of the corners to 7 decimals and the grid's scale factor.
    expect(zone.areaSquareMetres).toBeGreaterThan(159_000);
    expect(zone.areaSquareMetres).toBeLessThan(161_000);
    expect(zone.units.map((u) => u.callSign)).toEqual([unit.callSign]);
  });

  it('a real ward round-trips exactly and is listed by name', async () => {
    const ward = loadWards().find((w) => w.name === 'Belsize')!;
    const created = await t.gql(CreateZoneDocument, { input: { name: 'Belsize', borough: 'Camden', boundary: ward.boundary } }, planner);
    const read = await t.gql(ZoneDocument, { id: created.data!.createZone.id }, planner);
    expect(read.data?.zone.boundary).toEqual(ward.boundary);
    const list = await t.gql(ZonesDocument, {}, await t.tokenFor('ANALYST'));
    expect(list.data?.zones.map((z) => z.name)).toEqual(['Belsize', 'South End Green patrol']);
  });

  it('a self-intersecting boundary is refused with PostGIS’s reason, and nothing is written', async () => {
    const before = await zoneCount();
    const [a, b] = [offset(SOUTH_END_GREEN, -100, -100), offset(SOUTH_END_GREEN, 100, 100)];
    const bowtie = {
      type: 'Polygon',
      coordinates: [
        [
          [a[0], a[1]],
          [b[0], b[1]],
          [b[0], a[1]],
          [a[0], b[1]],
          [a[0], a[1]],
        ],
      ],
    };
    const result = await t.gql(CreateZoneDocument, { input: { name: 'Bow tie', boundary: bowtie } }, planner);
    expect(result.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'input.boundary' } });
    expect(result.errors?.[0]?.message).toMatch(/^input\.boundary: is not a valid polygon: Self-intersection\[/);
    const open = {
      type: 'Polygon',
      coordinates: [
        [
          [a[0], a[1]],
          [b[0], a[1]],
          [b[0], b[1]],
          [a[0], b[1]],
        ],
      ],
    };
    const openResult = await t.gql(CreateZoneDocument, { input: { name: 'Open', boundary: open } }, planner);
    expect(openResult.errors?.[0]?.message).toBe('input.boundary.coordinates[0]: a ring must end where it starts');
    const point = await t.gql(
      CreateZoneDocument,
      { input: { name: 'Point', boundary: { type: 'Point', coordinates: SOUTH_END_GREEN } } },
      planner,
    );
    expect(point.errors?.[0]?.message).toBe('input.boundary: must be a GeoJSON Polygon or MultiPolygon (got Point)');
    expect(await zoneCount()).toBe(before);
  });

  it('a planner redraws and renames a zone, then deletes it', async () => {
    const created = await t.gql(
      CreateZoneDocument,
      { input: { name: 'Temporary', boundary: square(offset(SOUTH_END_GREEN, 2000, 0), 100) } },
      planner,
    );
    const id = created.data!.createZone.id;
    const bigger = square(offset(SOUTH_END_GREEN, 2000, 0), 300);
    const updated = await t.gql(UpdateZoneDocument, { id, input: { name: 'Redrawn', boundary: bigger } }, planner);
    expect(updated.data?.updateZone).toMatchObject({
      name: 'Redrawn',
      boundary: { type: 'MultiPolygon', coordinates: [bigger.coordinates] },
    });
    expect(updated.data!.updateZone.areaSquareMetres).toBeGreaterThan(8 * created.data!.createZone.areaSquareMetres);
    const deleted = await t.gql(DeleteZoneDocument, { id }, planner);
    expect(deleted.data?.deleteZone).toMatchObject({ id, name: 'Redrawn' });
    const gone = await t.gql(ZoneDocument, { id }, planner);
    expect(gone.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('analysts and superintendents cannot change zones', async () => {
    for (const role of ['ANALYST', 'SUPERINTENDENT'] as const) {
      const result = await t.gql(
        CreateZoneDocument,
        { input: { name: 'Nope', boundary: square(SOUTH_END_GREEN, 50) } },
        await t.tokenFor(role),
      );
      expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('a malformed id is BAD_USER_INPUT, an unknown one NOT_FOUND', async () => {
    const malformed = await t.gql(ZoneDocument, { id: "1' or '1'='1" }, planner);
    expect(malformed.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    const unknown = await t.gql(ZoneDocument, { id: '00000000-0000-4000-8000-000000000000' }, planner);
    expect(unknown.errors?.[0]).toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });
});
