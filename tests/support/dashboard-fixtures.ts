import type { EntityManager } from '@mikro-orm/postgresql';
import { loadWards } from '@vigil/seeds';
import {
  type Fix,
  Operation,
  PatrolUnit,
  PatrolZone,
  RiskLevel,
  type Site,
  SiteKind,
  storePositions,
  UnitKind,
  VisitRequest,
  type VisitRules,
} from '@vigil/server';
import { drive, makeSite, offset, SOUTH_END_GREEN, stay } from './factories.js';
import { insertIncidents, type RawIncident, rng } from './incidents.js';

/**
 * Fixtures for the dashboard's browser tests: the 34 ward zones, incidents in two
 * clusters (vehicle crime after dark at South End Green, thefts by day in Camden Town) over
 * a background, sites in each coverage state, units with recent fixes, an operation and
 * two visit requests. All built in code, relative to now.
 */

export const PLACES = {
  southEndGreen: SOUTH_END_GREEN,
  belsizePark: [-0.1648, 51.5505] as [number, number],
  camdenTown: [-0.1426, 51.539] as [number, number],
  kentishTown: [-0.141, 51.55] as [number, number],
  holloway: [-0.118, 51.553] as [number, number],
  highbury: [-0.103, 51.5465] as [number, number],
  finsburyPark: [-0.1075, 51.564] as [number, number],
  angel: [-0.106, 51.532] as [number, number],
  kingsCross: [-0.124, 51.532] as [number, number],
};

/** Inside both boroughs' wards: the box of Camden and Islington, trimmed. */
const BOX = { west: -0.19, east: -0.09, south: 51.525, north: 51.568 };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const visitRules: VisitRules = { radiusMetres: 50, gapSeconds: 120 };

export async function seedWards(em: EntityManager): Promise<number> {
  const wards = loadWards();
  for (const ward of wards)
    em.create(PatrolZone, { name: ward.name, borough: ward.borough, gssCode: ward.gssCode, boundary: ward.boundary });
  await em.flush();
  return wards.length;
}

export interface IncidentMix {
  /** Vehicle crime after dark around South End Green, within the last `days`. */
  darkCluster: number;
  /** Thefts in daylight around Camden Town. */
  dayCluster: number;
  /** Spread over the two boroughs, half dark. */
  background: number;
  /** Hate-crime incidents, half before and half after `eventAt`. */
  hate?: number;
  days?: number;
  eventAt?: Date;
  seed?: number;
}

/** Incidents for the hot-spot tests: two clear clusters, one after dark and one in daylight, over noise. */
export function incidentMix({ darkCluster, dayCluster, background, hate = 0, days = 20, eventAt, seed = 7 }: IncidentMix): RawIncident[] {
  const random = rng(seed);
  const now = Date.now();
  const when = () => new Date(now - HOUR - random() * (days * DAY - 2 * HOUR));
  const around = (centre: [number, number], metres: number): [number, number] => {
    // Uniform in a disc: more readable clusters than a Gaussian's long tail.
    const r = metres * Math.sqrt(random());
    const a = random() * 2 * Math.PI;
    return offset(centre, r * Math.cos(a), r * Math.sin(a));
  };
  const rows: RawIncident[] = [];
  for (let k = 0; k < darkCluster; k++) {
    const [lon, lat] = around(PLACES.southEndGreen, 220);
    rows.push({ category: 'vehicle-crime', occurredAt: when(), lon, lat, darkness: 'DARK' });
  }
  for (let k = 0; k < dayCluster; k++) {
    const [lon, lat] = around(PLACES.camdenTown, 220);
    rows.push({ category: k % 3 === 0 ? 'shoplifting' : 'other-theft', occurredAt: when(), lon, lat, darkness: 'LIGHT' });
  }
  const categories = [
    'anti-social-behaviour',
    'burglary',
    'criminal-damage-arson',
    'violent-crime',
    'vehicle-crime',
    'other-theft',
    'drugs',
  ];
  for (let k = 0; k < background; k++) {
    rows.push({
      category: categories[k % categories.length]!,
      occurredAt: when(),
      lon: BOX.west + random() * (BOX.east - BOX.west),
      lat: BOX.south + random() * (BOX.north - BOX.south),
      darkness: random() < 0.5 ? 'DARK' : 'LIGHT',
    });
  }
  const event = eventAt?.getTime() ?? now - 10 * DAY;
  for (let k = 0; k < hate; k++) {
    // A rise after the event: one in three before, two in three after.
    const after = k % 3 !== 0;
    const occurredAt = new Date(after ? event + random() * (now - event - HOUR) : event - random() * 10 * DAY);
    const [lon, lat] = around(PLACES.belsizePark, 600);
    rows.push({ category: 'public-order', occurredAt, lon, lat, darkness: 'LIGHT', flags: [k % 2 ? 'ANTISEMITIC' : 'ANTI_MUSLIM'] });
  }
  return rows;
}

export async function seedIncidents(em: EntityManager, mix: IncidentMix): Promise<number> {
  const rows = incidentMix(mix);
  await insertIncidents(em, rows);
  return rows.length;
}

export async function seedOperation(em: EntityManager, startsAt: Date): Promise<Operation> {
  const operation = em.create(Operation, {
    name: 'Reassurance patrols',
    description: 'Visits to synagogues, mosques, schools and businesses after the event',
    startsAt,
    priorityCommunities: ['Jewish', 'Muslim'],
    prioritySiteKinds: [SiteKind.SYNAGOGUE, SiteKind.MOSQUE],
  });
  await em.persistAndFlush(operation);
  return operation;
}

export interface SeededPatrols {
  sites: { visited: Site; due: Site; overdue: Site; neverVisited: Site };
  units: PatrolUnit[];
}

async function unit(em: EntityManager, callSign: string, borough = 'Camden', kind = UnitKind.CAR): Promise<PatrolUnit> {
  const u = em.create(PatrolUnit, { callSign, kind, team: `${borough} reassurance unit`, borough });
  await em.persistAndFlush(u);
  return u;
}

/**
 * Sites in each coverage state, made by real visits (fixes through storePositions):
 * a 12-minute stay 2 h ago at a once-a-day site (visited), one 6 h ago at a twice-a-day
 * site (due), one 20 h ago at a twice-a-day site (overdue: 24 h ÷ 2 = 12 h), and a site
 * never visited. Two units drive, one of them still moving now.
 */
export async function seedPatrols(em: EntityManager): Promise<SeededPatrols> {
  const activeFrom = new Date(Date.now() - 30 * DAY);
  const visited = await makeSite(em, {
    name: 'South Hampstead Synagogue',
    kind: SiteKind.SYNAGOGUE,
    at: PLACES.belsizePark,
    requiredVisitsPerDay: 1,
    community: 'Jewish',
    activeFrom,
  });
  const due = await makeSite(em, {
    name: 'Finsbury Park Mosque',
    kind: SiteKind.MOSQUE,
    at: PLACES.finsburyPark,
    requiredVisitsPerDay: 2,
    community: 'Muslim',
    activeFrom,
  });
  const overdue = await makeSite(em, {
    name: 'Belsize Park deli',
    kind: SiteKind.BUSINESS,
    at: offset(PLACES.belsizePark, 400, -250),
    requiredVisitsPerDay: 2,
    requestedBy: 'Cllr Stephen Stark',
    activeFrom,
  });
  const neverVisited = await makeSite(em, {
    name: 'Highbury Grove School',
    kind: SiteKind.SCHOOL,
    at: PLACES.highbury,
    riskLevel: RiskLevel.MEDIUM,
    requiredVisitsPerDay: 1,
    activeFrom,
  });
  const camden = await unit(em, 'CN-R1');
  const islington = await unit(em, 'IS-R1', 'Islington');
  const now = Date.now();
  const fixes = (list: ReturnType<typeof stay>): Fix[] => list.map((f) => ({ ...f }));
  await storePositions(em, camden.id, fixes(stay(PLACES.belsizePark, new Date(now - 2 * HOUR), 12, { everySeconds: 30 })), visitRules);
  await storePositions(
    em,
    camden.id,
    fixes(stay(overdue.location.coordinates as [number, number], new Date(now - 20 * HOUR), 11, { everySeconds: 30 })),
    visitRules,
  );
  await storePositions(em, islington.id, fixes(stay(PLACES.finsburyPark, new Date(now - 6 * HOUR), 14, { everySeconds: 30 })), visitRules);
  // Still on patrol: a drive through Camden Town ending a minute ago.
  await storePositions(
    em,
    camden.id,
    fixes(drive(PLACES.camdenTown, new Date(now - 6 * 60_000), -1500, 1000, { everySeconds: 15 })),
    visitRules,
  );
  await storePositions(
    em,
    islington.id,
    fixes(drive(PLACES.holloway, new Date(now - 5 * 60_000), 0, 1500, { everySeconds: 15 })),
    visitRules,
  );
  return { sites: { visited, due, overdue, neverVisited }, units: [camden, islington] };
}

/** `count` units spread over the boroughs, each with three fixes in the last few minutes. */
export async function seedManyUnits(em: EntityManager, count: number, seed = 11): Promise<PatrolUnit[]> {
  const random = rng(seed);
  const units: PatrolUnit[] = [];
  for (let k = 0; k < count; k++) {
    units.push(
      em.create(PatrolUnit, {
        callSign: `PU-${String(k + 1).padStart(3, '0')}`,
        kind: UnitKind.FOOT,
        team: 'Load unit',
        borough: 'Camden',
      }),
    );
  }
  await em.flush();
  const now = Date.now();
  for (const u of units) {
    const lon = BOX.west + random() * (BOX.east - BOX.west);
    const lat = BOX.south + random() * (BOX.north - BOX.south);
    const fixes: Fix[] = [0, 1, 2].map((k) => ({
      recordedAt: new Date(now - (3 - k) * 60_000),
      longitude: lon + k * 0.0004,
      latitude: lat + k * 0.0002,
    }));
    await storePositions(em, u.id, fixes, visitRules);
  }
  return units;
}

export async function seedVisitRequests(em: EntityManager): Promise<{ located: VisitRequest; unlocated: VisitRequest }> {
  const located = em.create(VisitRequest, {
    placeName: 'Belsize Park Israeli café',
    kind: SiteKind.BUSINESS,
    location: { type: 'Point', coordinates: offset(PLACES.belsizePark, -200, 120) },
    requesterName: 'Cllr Stephen Stark',
    reason: 'Shops run by Israelis in Belsize Park also need protection.',
    community: 'Jewish',
  });
  const unlocated = em.create(VisitRequest, {
    placeName: 'Holloway Road gurdwara',
    kind: SiteKind.TEMPLE,
    address: 'Holloway Road, N7',
    requesterName: 'Temple committee',
    reason: 'Graffiti on the gate last week.',
    community: 'Sikh',
  });
  await em.flush();
  return { located, unlocated };
}
