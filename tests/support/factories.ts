import type { EntityManager } from '@mikro-orm/postgresql';
import { PatrolUnit, RiskLevel, Site, SiteKind, UnitKind } from '@vigil/server';

/** Small factories: each test builds just the rows it needs, in code. */

let sequence = 0;
const next = () => ++sequence;

export const SOUTH_END_GREEN: [number, number] = [-0.1658, 51.5563];

export async function makeSite(em: EntityManager, overrides: Partial<Site> & { at?: [number, number] } = {}): Promise<Site> {
  const { at, ...rest } = overrides;
  const site = em.create(Site, {
    name: `Test site ${next()}`,
    kind: SiteKind.SYNAGOGUE,
    location: { type: 'Point', coordinates: at ?? SOUTH_END_GREEN },
    riskLevel: RiskLevel.HIGH,
    requiredVisitsPerDay: 2,
    activeFrom: new Date('2026-01-01T00:00:00Z'),
    ...rest,
  });
  await em.persistAndFlush(site);
  return site;
}

export async function makeUnit(em: EntityManager, overrides: Partial<PatrolUnit> = {}): Promise<PatrolUnit> {
  const unit = em.create(PatrolUnit, {
    callSign: `TU-${next()}`,
    kind: UnitKind.CAR,
    team: 'Test reassurance unit',
    borough: 'Camden',
    ...overrides,
  });
  await em.persistAndFlush(unit);
  return unit;
}

/** Metres to degrees near London (51.5° N): good to well under a metre over a few hundred metres. */
const M_PER_DEG_LAT = 111_250;
const M_PER_DEG_LON = 111_320 * Math.cos((51.556 * Math.PI) / 180);

/** Rounded to 7 decimals (about 1 cm), as GPS devices report. */
export function offset([lon, lat]: [number, number], eastMetres: number, northMetres: number): [number, number] {
  const round = (v: number) => Math.round(v * 1e7) / 1e7;
  return [round(lon + eastMetres / M_PER_DEG_LON), round(lat + northMetres / M_PER_DEG_LAT)];
}

/** A square ring `half` metres either side of the point `east`, `north` metres from `centre` (GeoJSON Polygon coordinates). */
export function squareAround(centre: [number, number], east: number, north: number, half: number): [number, number][][] {
  const [w, s] = offset(centre, east - half, north - half);
  const [e, n] = offset(centre, east + half, north + half);
  return [
    [
      [w, s],
      [e, s],
      [e, n],
      [w, n],
      [w, s],
    ],
  ];
}

export interface FixSpec {
  recordedAt: Date;
  longitude: number;
  latitude: number;
}

/** A unit standing `metres` east of a point, one fix every `everySeconds`, for `minutes`. */
export function stay(centre: [number, number], start: Date, minutes: number, { everySeconds = 5, metres = 10 } = {}): FixSpec[] {
  const fixes: FixSpec[] = [];
  for (let s = 0; s <= minutes * 60; s += everySeconds) {
    const [longitude, latitude] = offset(centre, metres, 0);
    fixes.push({ recordedAt: new Date(start.getTime() + s * 1000), longitude, latitude });
  }
  return fixes;
}

/** A straight drive from `fromMetres` to `toMetres` east of a point (along its latitude), at `kmh`. */
export function drive(
  centre: [number, number],
  start: Date,
  fromMetres: number,
  toMetres: number,
  { kmh = 30, everySeconds = 5 } = {},
): FixSpec[] {
  const speed = (kmh * 1000) / 3600;
  const seconds = Math.abs(toMetres - fromMetres) / speed;
  const fixes: FixSpec[] = [];
  for (let s = 0; s <= seconds; s += everySeconds) {
    const east = fromMetres + Math.sign(toMetres - fromMetres) * speed * s;
    const [longitude, latitude] = offset(centre, east, 0);
    fixes.push({ recordedAt: new Date(start.getTime() + s * 1000), longitude, latitude });
  }
  return fixes;
}
