import { type LonLat, offsetMetres, round6, type WardMap } from './geo.js';
import { Rng, stableUuid } from './random.js';
import type { DemoSite } from './sites.js';
import { civilTwilight, DAY, HOUR, londonTime, londonWeekday, MINUTE } from './time.js';

export type DemoHateCrimeFlag = 'ANTISEMITIC' | 'ANTI_MUSLIM' | 'RACIST' | 'HOMOPHOBIC' | 'TRANSPHOBIC' | 'DISABILITY' | 'FAITH_OTHER';

export interface DemoIncident {
  id: string;
  sourceRef: string;
  /** police.uk category slug. */
  category: string;
  hateCrimeFlags: DemoHateCrimeFlag[];
  occurredAt: Date;
  precision: 'EXACT' | 'MONTH';
  location: LonLat;
  description: string | null;
  locationName: string | null;
  source: string;
  recordedAt: Date;
}

/** South End Green, Hampstead Town ward: where the dark-nights thefts from vehicles happen (mission text). */
export const SOUTH_END_GREEN: LonLat = [-0.1658, 51.5563];

/**
 * The dark-nights hot spot lies over the parked-car residential streets north and east of the
 * green, its core about 150 m north-east of the green's point. (The green itself sits 5 m
 * inside the south-west corner of its 250 m British National Grid cell, so this is also
 * the cell an analyst's grid finds densest.)
 */
const HOT_SPOT_CORE = offsetMetres(SOUTH_END_GREEN, 110, 110);

/**
 * Demo daily volume across both boroughs (recorded crime plus anti-social behaviour runs at
 * roughly 180–190 a day in Camden and Islington together), split by police.uk category.
 */
const DAILY_VOLUME = 185;
const CATEGORY_SHARE: [string, number][] = [
  ['violent-crime', 0.27],
  ['anti-social-behaviour', 0.17],
  ['other-theft', 0.12],
  ['theft-from-the-person', 0.08],
  ['vehicle-crime', 0.06],
  ['shoplifting', 0.06],
  ['public-order', 0.06],
  ['burglary', 0.05],
  ['criminal-damage-arson', 0.04],
  ['robbery', 0.03],
  ['drugs', 0.03],
  ['bicycle-theft', 0.02],
  ['other-crime', 0.013],
  ['possession-of-weapons', 0.007],
];

/** Relative weight of each London hour 0–23, by the shape of a category's day. */
const HOUR_PROFILES = {
  night: [6, 5, 4, 3, 2, 1.5, 1, 1, 1, 1, 1, 1, 1, 1, 1.5, 1.5, 2, 3, 4, 5, 6, 6, 6, 6],
  evening: [3, 2.5, 2, 1.5, 1, 0.5, 0.5, 1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4, 4.5, 5, 5, 5, 5, 5, 4.5, 4],
  day: [0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 3.5, 3, 2, 1.5, 1, 0.6, 0.4],
  flat: Array.from({ length: 24 }, () => 1),
};
const CATEGORY_PROFILE: Record<string, keyof typeof HOUR_PROFILES> = {
  'violent-crime': 'evening',
  'anti-social-behaviour': 'evening',
  'other-theft': 'day',
  'theft-from-the-person': 'evening',
  'vehicle-crime': 'night',
  shoplifting: 'day',
  'public-order': 'evening',
  burglary: 'night',
  'criminal-damage-arson': 'night',
  robbery: 'evening',
  drugs: 'evening',
  'bicycle-theft': 'day',
  'other-crime': 'flat',
  'possession-of-weapons': 'evening',
};

/** How busy each ward is relative to an average one (central and town-centre wards carry more). */
const WARD_WEIGHT: Record<string, number> = {
  'Holborn and Covent Garden': 3,
  'Camden Town with Primrose Hill': 2.6,
  'St. Pancras and Somers Town': 2.4,
  Bloomsbury: 2.2,
  "King's Cross": 2,
  Bunhill: 2,
  Clerkenwell: 2,
  Caledonian: 1.7,
  "St. Peter's": 1.6,
  Holloway: 1.6,
  'Finsbury Park': 1.6,
  "St. Mary's": 1.4,
  'Kentish Town': 1.3,
  "Regent's Park": 1.3,
  Kilburn: 1.2,
  Junction: 1.2,
  Tollington: 1.1,
  'Frognal and Fitzjohns': 0.7,
  Highgate: 0.7,
  'Fortune Green': 0.7,
  Hillrise: 0.8,
};

const HATE_DESCRIPTIONS: Record<'ANTISEMITIC' | 'ANTI_MUSLIM', string[]> = {
  ANTISEMITIC: [
    'Antisemitic abuse shouted at people leaving a service (demo)',
    'Antisemitic graffiti on a wall near a community building (demo)',
    'Worshipper spat at and called antisemitic names (demo)',
    'Antisemitic leaflets pushed through doors (demo)',
    'Israeli flag torn down from a shop window, owner threatened (demo)',
  ],
  ANTI_MUSLIM: [
    'Woman wearing a headscarf abused in the street (demo)',
    'Anti-Muslim graffiti near a mosque entrance (demo)',
    'Worshippers threatened outside Friday prayers (demo)',
    'Bacon left at a mosque door (demo)',
  ],
};

export interface IncidentPlan {
  seed: string | number;
  now: Date;
  /** Midnights (London) of the days with incidents, oldest first; the last is today. */
  days: Date[];
  eventDay: Date;
  scale: number;
  sites: DemoSite[];
  wards: WardMap;
}

/**
 * Recorded incidents over the history window, exactly timed unless marked as month-only:
 * - background crime of every police.uk category in both boroughs, clustered on street
 *   points per ward, at the hours each category keeps;
 * - the South End Green vehicle-crime hot spot, mostly after civil dusk and heavier as the
 *   nights lengthen;
 * - antisemitic and anti-Muslim hate crime near the communities' sites, already rising before
 *   the event and jumping after it, then easing (mission: "growth … both post this event and
 *   also pre this event").
 */
export function generateIncidents(plan: IncidentPlan): DemoIncident[] {
  const incidents: DemoIncident[] = [];
  const add = (stream: string, i: Omit<DemoIncident, 'id' | 'sourceRef' | 'recordedAt'>, rng: Rng) => {
    const sourceRef = `demo:${stream}:${incidents.length}`;
    const recorded = Math.min(plan.now.getTime(), i.occurredAt.getTime() + rng.range(10 * MINUTE, 36 * HOUR));
    incidents.push({
      ...i,
      id: stableUuid(plan.seed, 'incident', sourceRef),
      sourceRef,
      recordedAt: new Date(Math.max(recorded, i.occurredAt.getTime())),
    });
  };
  background(plan, add);
  vehicleHotSpot(plan, add);
  hateCrime(plan, add);
  return incidents;
}

type Add = (stream: string, incident: Omit<DemoIncident, 'id' | 'sourceRef' | 'recordedAt'>, rng: Rng) => void;

function hourOf(rng: Rng, profile: readonly number[]): number {
  return rng.weighted(profile.map((w, h) => [h, w] as const)) + rng.next();
}

function background(plan: IncidentPlan, add: Add): void {
  const { wards, seed } = plan;
  // Street points: each ward has 30, some much busier than others (a Zipf-like share).
  const snapRng = Rng.stream(seed, 'incidents', 'street-points');
  const streetPoints = new Map(
    wards.wards.map((w) => [
      w.name,
      Array.from({ length: 30 }, (_, k) => ({ point: wards.randomPointIn(w.name, snapRng), weight: 1 / (k + 1) ** 0.8 })),
    ]),
  );
  const wardWeights = wards.wards.map((w) => [w.name, WARD_WEIGHT[w.name] ?? 1] as const);
  const rng = Rng.stream(seed, 'incidents', 'background');
  for (const midnight of plan.days) {
    // Fridays and Saturdays run about 15 % busier.
    const weekday = londonWeekday(new Date(midnight.getTime() + 12 * HOUR));
    const lambda = DAILY_VOLUME * plan.scale * (weekday === 5 || weekday === 6 ? 1.12 : 0.95);
    const count = rng.poisson(lambda);
    for (let n = 0; n < count; n++) {
      const category = rng.weighted(CATEGORY_SHARE);
      const occurredAt = londonTime(midnight, hourOf(rng, HOUR_PROFILES[CATEGORY_PROFILE[category] ?? 'flat']));
      if (occurredAt > plan.now) continue;
      const ward = rng.weighted(wardWeights);
      const points = streetPoints.get(ward)!;
      const street = rng.weighted(points.map((p) => [p.point, p.weight] as const));
      let location = round6(offsetMetres(street, rng.normal(0, 25), rng.normal(0, 25)));
      if (!wards.contains(ward, location)) location = street;
      // A few records came in as police.uk data, known to the month only.
      const monthOnly = rng.chance(0.03);
      const flags: DemoHateCrimeFlag[] =
        (category === 'public-order' || category === 'violent-crime') && rng.chance(0.02)
          ? [rng.pick(['RACIST', 'HOMOPHOBIC', 'TRANSPHOBIC', 'DISABILITY', 'FAITH_OTHER'] as const)]
          : [];
      add(
        monthOnly ? 'police-uk' : 'background',
        {
          category,
          hateCrimeFlags: flags,
          occurredAt: monthOnly ? new Date(Date.UTC(occurredAt.getUTCFullYear(), occurredAt.getUTCMonth(), 1)) : occurredAt,
          precision: monthOnly ? 'MONTH' : 'EXACT',
          location,
          description: null,
          locationName: `${ward} (demo street point)`,
          source: monthOnly ? 'police.uk (demo)' : 'demo',
        },
        rng,
      );
    }
  }
}

function vehicleHotSpot(plan: IncidentPlan, add: Add): void {
  const rng = Rng.stream(plan.seed, 'incidents', 'south-end-green');
  for (const midnight of plan.days) {
    const { dawn, dusk } = civilTwilight(midnight, SOUTH_END_GREEN);
    const nextDawn = civilTwilight(new Date(midnight.getTime() + DAY), SOUTH_END_GREEN).dawn;
    // Longer nights, more thefts: about 1.2 a day in high summer, 2.8 by late November.
    const darkHours = 24 - (dusk.getTime() - dawn.getTime()) / HOUR;
    const lambda = plan.scale * (1.2 + 1.6 * Math.min(1, Math.max(0, (darkHours - 7) / 8)));
    const count = rng.poisson(lambda);
    for (let n = 0; n < count; n++) {
      // Five in six after civil dusk (before the next civil dawn), the rest by day.
      const occurredAt = rng.chance(5 / 6)
        ? new Date(dusk.getTime() + rng.next() ** 1.6 * (nextDawn.getTime() - dusk.getTime()))
        : new Date(dawn.getTime() + rng.next() * (dusk.getTime() - dawn.getTime()));
      if (occurredAt > plan.now) continue;
      const core = rng.chance(0.7);
      const centre = core ? HOT_SPOT_CORE : SOUTH_END_GREEN;
      const spread = core ? 70 : 220;
      add(
        'vehicle',
        {
          category: 'vehicle-crime',
          hateCrimeFlags: [],
          occurredAt,
          precision: 'EXACT',
          location: round6(offsetMetres(centre, rng.normal(0, spread), rng.normal(0, spread))),
          description: rng.pick([
            'Theft from a parked car: window smashed, bag taken from the back seat (demo)',
            'Items taken from the boot of a parked car (demo)',
            'Catalytic converter cut from a parked car (demo)',
            'Car door tried and interior searched (demo)',
          ]),
          locationName: 'South End Green area (demo)',
          source: 'demo',
        },
        rng,
      );
    }
  }
}

/** Expected hate crimes per day, `t` days after the event (negative: before it), at full scale. */
export function hateCrimeRate(flag: 'ANTISEMITIC' | 'ANTI_MUSLIM', t: number): number {
  if (flag === 'ANTISEMITIC') return t < 0 ? 0.25 + 0.35 * Math.max(0, 1 + t / 90) : 0.6 + 2.6 * Math.exp(-t / 18);
  return t < 0 ? 0.15 + 0.2 * Math.max(0, 1 + t / 90) : 0.35 + 1.3 * Math.exp(-t / 20);
}

function hateCrime(plan: IncidentPlan, add: Add): void {
  const rng = Rng.stream(plan.seed, 'incidents', 'hate-crime');
  const near = {
    ANTISEMITIC: plan.sites.filter((s) => s.community === 'Jewish' || s.community === 'Israeli'),
    ANTI_MUSLIM: plan.sites.filter((s) => s.community === 'Muslim'),
  } as const;
  for (const midnight of plan.days) {
    const t = Math.round((midnight.getTime() - plan.eventDay.getTime()) / DAY);
    for (const flag of ['ANTISEMITIC', 'ANTI_MUSLIM'] as const) {
      const count = rng.poisson(plan.scale * hateCrimeRate(flag, t));
      for (let n = 0; n < count; n++) {
        const occurredAt = londonTime(midnight, hourOf(rng, HOUR_PROFILES.evening));
        if (occurredAt > plan.now) continue;
        // Most near a site of the targeted community, some anywhere in the boroughs.
        let location: LonLat;
        if (rng.chance(0.8)) {
          const site = rng.pick(near[flag]);
          location = plan.wards.pointNear(site.ward, site.location, 150, rng);
        } else {
          location = plan.wards.randomPointIn(rng.pick(plan.wards.wards).name, rng);
        }
        add(
          'hate',
          {
            category: rng.weighted([
              ['public-order', 0.6],
              ['violent-crime', 0.25],
              ['criminal-damage-arson', 0.15],
            ]),
            hateCrimeFlags: [flag],
            occurredAt,
            precision: 'EXACT',
            location,
            description: rng.pick(HATE_DESCRIPTIONS[flag]),
            locationName: null,
            source: 'demo',
          },
          rng,
        );
      }
    }
  }
}
