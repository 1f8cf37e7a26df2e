import { type LonLat, WardMap } from './geo.js';
import { type DemoIncident, generateIncidents } from './incidents.js';
import { type DemoActivity, type DemoFix, type DemoUnit, demoUnits, patrolDay } from './patrols.js';
import { Rng, stableUuid } from './random.js';
import { type DemoSite, type DemoSiteKind, generateSites } from './sites.js';
import { DAY, HOUR, londonMidnight } from './time.js';
import type { Ward } from './wards.js';

export interface DemoOptions {
  /** Same seed (and same `now`), same data. */
  seed?: string | number;
  /** The moment the demo is generated for: the data runs up to it. Default: the current time. */
  now?: Date;
  /** Days of incident history, today included (default 122: a full 120 days and more before today). */
  days?: number;
  /** The event (and the operation's start) this many days before today. */
  eventDaysAgo?: number;
  /** Days of patrol traces, today included; default: every day since the event. */
  patrolDays?: number;
  /** Share of the full incident volume (1 = about 23,000 incidents over 120 days). */
  scale?: number;
}

export const DEFAULT_DEMO_SEED = 'camden-islington';

export interface DemoZone {
  id: string;
  name: string;
  borough: Ward['borough'];
  gssCode: string;
  boundary: Ward['boundary'];
  targetMinutesPerDay: number;
  unitIds: string[];
}

export interface DemoOperation {
  id: string;
  name: string;
  description: string;
  startsAt: Date;
  endsAt: null;
  priorityCommunities: string[];
  prioritySiteKinds: DemoSiteKind[];
}

export interface DemoVisitRequest {
  id: string;
  placeName: string;
  kind: DemoSiteKind;
  location: LonLat | null;
  address: string | null;
  community: string | null;
  requesterName: string;
  reason: string;
  status: 'PENDING' | 'APPROVED';
  siteId: string | null;
  createdAt: Date;
  decidedAt: Date | null;
}

export interface DemoData {
  seed: string | number;
  now: Date;
  eventDay: Date;
  zones: DemoZone[];
  sites: DemoSite[];
  operation: DemoOperation;
  requests: DemoVisitRequest[];
  incidents: DemoIncident[];
  units: DemoUnit[];
  /** Midnights (London) of the days with patrol traces, oldest first. */
  patrolDays: Date[];
  /** One unit's fixes and activities for one of `patrolDays`: generated on demand, a day at a time. */
  patrolDay(unit: DemoUnit, midnight: Date): { fixes: DemoFix[]; activities: DemoActivity[] };
}

/** London midnights of the `count` days ending with the day of `now`. */
function lastDays(now: Date, count: number): Date[] {
  const today = londonMidnight(now);
  // Step back from noon, so the clock changes never land a step on the wrong day.
  return Array.from({ length: count }, (_, k) => londonMidnight(new Date(today.getTime() - (count - 1 - k) * DAY + 12 * HOUR)));
}

/**
 * The whole demo for Camden and Islington as plain data, relative to `now`: zones from the
 * real ward boundaries, the patrol list, the reassurance operation from the event day,
 * incident history, patrol units and their traces. Pure: no database, no clock unless
 * `now` is left out, no randomness but the seeded streams.
 */
export function generateDemo(options: DemoOptions = {}): DemoData {
  const seed = options.seed ?? DEFAULT_DEMO_SEED;
  const now = options.now ?? new Date();
  const days = options.days ?? 122;
  const eventDaysAgo = options.eventDaysAgo ?? 30;
  const patrolDayCount = options.patrolDays ?? eventDaysAgo + 1;
  const scale = options.scale ?? 1;
  if (!(days >= 1 && eventDaysAgo >= 0 && patrolDayCount >= 0 && scale > 0)) throw new Error('Demo options out of range');

  const wards = new WardMap();
  const eventDay = londonMidnight(new Date(londonMidnight(now).getTime() - eventDaysAgo * DAY + 12 * HOUR));
  const sites = generateSites(seed, wards, eventDay);
  const units = demoUnits(seed);
  const unitsFor = (ward: Ward) =>
    units.filter((u) => (u.wards === 'borough' ? u.borough === ward.borough : u.wards.includes(ward.name))).map((u) => u.id);
  const zones = wards.wards.map((w) => ({
    id: stableUuid(seed, 'zone', w.gssCode),
    name: w.name,
    borough: w.borough,
    gssCode: w.gssCode,
    boundary: w.boundary,
    // Wards with high-risk sites get two hours of patrol a day as a target, the rest one.
    targetMinutesPerDay: sites.some((s) => s.ward === w.name && s.requiredVisitsPerDay >= 2) ? 120 : 60,
    unitIds: unitsFor(w),
  }));

  const operation: DemoOperation = {
    id: stableUuid(seed, 'operation', 'reassurance'),
    name: 'Operation Safe Haven (demo)',
    description:
      'Reassurance patrols after the terror event abroad: Safer Neighbourhood Teams taken off day-to-day roles; ' +
      'dedicated units in Camden and Islington visit high-risk sites twice a day. Focus on synagogues, mosques, ' +
      'Jewish and Muslim schools and businesses, moving between communities as the threat changes.',
    startsAt: eventDay,
    endsAt: null,
    priorityCommunities: ['Jewish', 'Muslim', 'Israeli'],
    prioritySiteKinds: ['SYNAGOGUE', 'MOSQUE', 'SCHOOL', 'BUSINESS', 'COMMUNITY_CENTRE'],
  };

  const shuk = sites.find((s) => s.key === 'shuk-deli')!;
  const requests: DemoVisitRequest[] = [
    {
      id: stableUuid(seed, 'request', 'belsize-shops'),
      placeName: shuk.name,
      kind: 'BUSINESS',
      location: shuk.location,
      address: 'Belsize Park (demo)',
      community: 'Israeli',
      requesterName: 'Hampstead Town councillor (demo)',
      reason: 'Shops run by Israelis and others in Belsize Park also need protection (Safer Neighbourhood Panel).',
      status: 'APPROVED',
      siteId: shuk.id,
      createdAt: new Date(eventDay.getTime() + 10 * DAY + 19 * HOUR),
      decidedAt: shuk.activeFrom,
    },
    {
      id: stableUuid(seed, 'request', 'tufnell-mosque'),
      placeName: 'Tufnell Park Prayer Room (demo)',
      kind: 'MOSQUE',
      location: wards.pointNear('Junction', [-0.1386, 51.5567], 150, Rng.stream(seed, 'requests')),
      address: null,
      community: 'Muslim',
      requesterName: 'Prayer room committee (demo)',
      reason: 'Worshippers abused on the way to evening prayers; asking for a reassurance visit.',
      status: 'PENDING',
      siteId: null,
      createdAt: new Date(now.getTime() - 2 * DAY),
      decidedAt: null,
    },
    {
      id: stableUuid(seed, 'request', 'west-hampstead-school'),
      placeName: 'West Hampstead Hebrew Classes (demo)',
      kind: 'SCHOOL',
      location: null,
      address: 'West Hampstead, exact address given by phone (demo)',
      community: 'Jewish',
      requesterName: 'Parents’ committee (demo)',
      reason: 'Sunday classes; parents worried about the journey to school.',
      status: 'PENDING',
      siteId: null,
      createdAt: new Date(now.getTime() - 5 * HOUR),
      decidedAt: null,
    },
  ];

  const incidents = generateIncidents({ seed, now, days: lastDays(now, days), eventDay, scale, sites, wards });

  return {
    seed,
    now,
    eventDay,
    zones,
    sites,
    operation,
    requests,
    incidents,
    units,
    patrolDays: lastDays(now, patrolDayCount),
    patrolDay: (unit, midnight) => patrolDay({ seed, unit, midnight, now, sites }),
  };
}
