import type { EntityManager } from '@mikro-orm/postgresql';
import { loadWards } from '@vigil/seeds';
import {
  type MultiPolygon,
  type Orm,
  openOrm,
  PatrolUnit,
  PatrolZone,
  type Point,
  RiskLevel,
  Site,
  SiteKind,
  UnitKind,
  Visit,
} from '@vigil/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { availableDatabaseKinds, createTestDatabase, type TestDatabase } from '../support/database.js';

// A real ward (with holes and several parts, as the wards come) and a synagogue-like point.
const hampsteadTown = loadWards().find((w) => w.name === 'Hampstead Town')!;
const southEndGreen: Point = { type: 'Point', coordinates: [-0.1658, 51.5563] };
const moved: Point = { type: 'Point', coordinates: [-0.165432, 51.556789] };

describe.each(availableDatabaseKinds())('GeoJSON round trip through MikroORM on %s PostGIS', (kind) => {
  let db: TestDatabase;
  let orm: Orm;
  const em = () => orm.em.fork() as unknown as EntityManager;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    orm = await openOrm(db.url, 2);
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('a site inserted as GeoJSON reads back as identical GeoJSON, stored as geometry(Point,4326)', async () => {
    const site = em().create(Site, {
      name: 'Demo synagogue',
      kind: SiteKind.SYNAGOGUE,
      location: southEndGreen,
      riskLevel: RiskLevel.HIGH,
      requiredVisitsPerDay: 2,
    });
    await em().persistAndFlush(site);
    const read = await em().findOneOrFail(Site, site.id);
    expect(read.location).toEqual(southEndGreen);
    expect(read.latitude).toBe(51.5563);

    const [column] = await em()
      .getConnection()
      .execute(`select ST_SRID(location) srid, GeometryType(location) type, ST_X(location_bng) e from sites where id = ?`, [site.id]);
    expect(column).toMatchObject({ srid: 4326, type: 'POINT' });
    // South End Green lies about 527 km east in British National Grid: metres, not degrees.
    expect(Math.round(column!.e / 1000)).toBe(527);
  });

  it('a zone inserted as a ward MultiPolygon reads back identical, and a Polygon is stored as MultiPolygon', async () => {
    const zone = em().create(PatrolZone, { name: hampsteadTown.name, borough: 'Camden', boundary: hampsteadTown.boundary });
    await em().persistAndFlush(zone);
    expect((await em().findOneOrFail(PatrolZone, zone.id)).boundary).toEqual(hampsteadTown.boundary);

    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [-0.17, 51.55],
          [-0.16, 51.55],
          [-0.16, 51.56],
          [-0.17, 51.56],
          [-0.17, 51.55],
        ],
      ],
    };
    const drawn = em().create(PatrolZone, { name: 'Drawn', boundary: square as unknown as MultiPolygon });
    await em().persistAndFlush(drawn);
    const read = await em().findOneOrFail(PatrolZone, drawn.id);
    expect(read.boundary).toEqual({ type: 'MultiPolygon', coordinates: [square.coordinates] });
  });

  it('an update through the unit of work writes the new GeoJSON', async () => {
    const site = em().create(Site, {
      name: 'Shop',
      kind: SiteKind.BUSINESS,
      location: southEndGreen,
      riskLevel: RiskLevel.MEDIUM,
      requiredVisitsPerDay: 1,
    });
    await em().persistAndFlush(site);
    const e = em();
    const loaded = await e.findOneOrFail(Site, site.id);
    loaded.location = moved;
    await e.flush();
    expect((await em().findOneOrFail(Site, site.id)).location).toEqual(moved);
  });

  it('the query builder reads and writes GeoJSON through the same conversion', async () => {
    const site = em().create(Site, {
      name: 'School',
      kind: SiteKind.SCHOOL,
      location: southEndGreen,
      riskLevel: RiskLevel.LOW,
      requiredVisitsPerDay: 1,
    });
    await em().persistAndFlush(site);
    await em().createQueryBuilder(Site).update({ location: moved }).where({ id: site.id }).execute();
    const rows = await em().createQueryBuilder(Site).select(['id', 'location']).where({ id: site.id }).getResult();
    expect(rows[0]?.location).toEqual(moved);
  });

  it('populate hydrates the related site with its GeoJSON location', async () => {
    const e = em();
    const site = e.create(Site, {
      name: 'Mosque',
      kind: SiteKind.MOSQUE,
      location: moved,
      riskLevel: RiskLevel.HIGH,
      requiredVisitsPerDay: 2,
    });
    const unit = e.create(PatrolUnit, { callSign: `CN-R${kind}`, kind: UnitKind.CAR, team: 'Camden reassurance', borough: 'Camden' });
    const enteredAt = new Date('2026-11-20T10:00:00Z');
    const visit = e.create(Visit, { unit, site, enteredAt, exitedAt: new Date('2026-11-20T10:12:00Z'), fixes: 145 });
    await e.flush();
    const read = await em().findOneOrFail(Visit, visit.id, { populate: ['site'] });
    expect(read.site.location).toEqual(moved);
    expect(read.dwellMinutes).toBe(12);
    expect(read.koperCompliant).toBe(true);
  });

  it('PostGIS refuses an invalid (self-intersecting) zone boundary', async () => {
    const bowtie = {
      type: 'MultiPolygon',
      coordinates: [
        [
          [
            [0, 0],
            [1, 1],
            [1, 0],
            [0, 1],
            [0, 0],
          ],
        ],
      ],
    } as MultiPolygon;
    await expect(em().persistAndFlush(em().create(PatrolZone, { name: 'Bow tie', boundary: bowtie }))).rejects.toThrow(/check constraint/);
  });
});
