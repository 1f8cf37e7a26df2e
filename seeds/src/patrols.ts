import { distanceMetres, headingDegrees, type LonLat, offsetMetres, round6 } from './geo.js';
import { SOUTH_END_GREEN } from './incidents.js';
import { Rng, stableUuid } from './random.js';
import { type DemoSite, standingPoint } from './sites.js';
import { HOUR, londonTime, londonWeekday } from './time.js';

export type DemoUnitKind = 'CAR' | 'FOOT';
export type DemoActivityKind = 'REASSURANCE_VISIT' | 'LETTER_DROP' | 'STREET_BRIEFING';

export interface DemoUnit {
  id: string;
  callSign: 'CN-R1' | 'IS-R1' | 'CN-BZ1' | 'CN-HT1';
  kind: DemoUnitKind;
  team: string;
  borough: 'Camden' | 'Islington';
  /** Where shifts start and end. */
  base: LonLat;
  /** Wards (patrol zones) the unit is assigned to, or every ward of its borough. */
  wards: string[] | 'borough';
}

/** One GPS fix, as a device sends it (the server's `Fix`). */
export interface DemoFix {
  recordedAt: Date;
  longitude: number;
  latitude: number;
  accuracy: number;
  speed: number;
  heading: number | null;
}

export interface DemoActivity {
  id: string;
  unitId: string;
  kind: DemoActivityKind;
  at: Date;
  location: LonLat;
  notes: string;
}

/**
 * Mission: "two dedicated patrol units, one in Camden and one in Islington, that visits
 * high risk areas twice a day", and Safer Neighbourhood officers on foot doing street
 * patrols and "letter drops through the front door" around South End Green.
 */
export function demoUnits(seed: string | number): DemoUnit[] {
  const unit = (u: Omit<DemoUnit, 'id'>): DemoUnit => ({ ...u, id: stableUuid(seed, 'unit', u.callSign) });
  return [
    unit({
      callSign: 'CN-R1',
      kind: 'CAR',
      team: 'Camden reassurance unit',
      borough: 'Camden',
      base: [-0.1404, 51.5487],
      wards: 'borough',
    }),
    unit({
      callSign: 'IS-R1',
      kind: 'CAR',
      team: 'Islington reassurance unit',
      borough: 'Islington',
      base: [-0.1101, 51.5342],
      wards: 'borough',
    }),
    unit({
      callSign: 'CN-HT1',
      kind: 'FOOT',
      team: 'Hampstead Town SNT',
      borough: 'Camden',
      base: SOUTH_END_GREEN,
      wards: ['Hampstead Town', 'Gospel Oak'],
    }),
    unit({
      callSign: 'CN-BZ1',
      kind: 'FOOT',
      team: 'Belsize SNT',
      borough: 'Camden',
      base: [-0.1645, 51.5497],
      wards: ['Belsize', 'Haverstock'],
    }),
  ];
}

/** Devices report every 5 seconds while on patrol (brief: "every few seconds"). */
export const PING_SECONDS = 5;

/**
 * Lays down a unit's movement as GPS fixes every PING_SECONDS: straight runs along a
 * street-like route (legs at right angles, as on a street grid), waits at lights, stops
 * at sites; each fix carries the receiver's scatter (normal, σ = half the reported accuracy).
 */
export class Track {
  readonly fixes: DemoFix[] = [];
  private nextFixAt: number;
  private at: number;

  constructor(
    private readonly rng: Rng,
    private position: LonLat,
    start: Date,
    readonly mode: DemoUnitKind,
  ) {
    this.at = start.getTime();
    this.nextFixAt = this.at;
  }

  get time(): Date {
    return new Date(this.at);
  }

  get here(): LonLat {
    return this.position;
  }

  private emit(point: LonLat, speed: number, heading: number | null): void {
    const accuracy = Math.round(this.mode === 'CAR' ? this.rng.range(3, 10) : this.rng.range(4, 12));
    const [lon, lat] = round6(offsetMetres(point, this.rng.normal(0, accuracy / 2), this.rng.normal(0, accuracy / 2)));
    this.fixes.push({
      recordedAt: new Date(this.nextFixAt),
      longitude: lon,
      latitude: lat,
      accuracy,
      speed: Math.round(Math.max(0, speed + (speed > 0 ? this.rng.normal(0, 0.3) : 0)) * 10) / 10,
      heading: heading === null ? null : Math.round(heading),
    });
    this.nextFixAt += PING_SECONDS * 1000;
  }

  /** A straight run to `to` at `speed` m/s. */
  private run(to: LonLat, speed: number): void {
    const distance = distanceMetres(this.position, to);
    const duration = (distance / speed) * 1000;
    const from = this.position;
    const heading = headingDegrees(from, to);
    while (this.nextFixAt <= this.at + duration) {
      const f = duration === 0 ? 1 : (this.nextFixAt - this.at) / duration;
      this.emit([from[0] + (to[0] - from[0]) * f, from[1] + (to[1] - from[1]) * f], speed, heading);
    }
    this.at += duration;
    this.position = to;
  }

  /** Stays put for `seconds` (parked, standing, or at lights). */
  wait(seconds: number): void {
    const until = this.at + seconds * 1000;
    while (this.nextFixAt <= until) this.emit(this.position, 0, null);
    this.at = until;
  }

  /** Walks slowly along a street, e.g. door to door with letters. */
  amble(to: LonLat): void {
    this.run(to, this.rng.range(0.3, 0.5));
  }

  /**
   * Goes to `to` by a plausible street route: a few turns at right angles with some
   * sideways drift, cruising speed varying per leg, stops at junctions.
   */
  travel(to: LonLat): void {
    const car = this.mode === 'CAR';
    const distance = distanceMetres(this.position, to);
    if (distance < 1) return;
    const legs = Math.max(1, Math.min(car ? 6 : 8, Math.round(distance / (car ? 400 : 150))));
    const from = this.position;
    const points: LonLat[] = [];
    for (let i = 1; i < legs; i++) {
      const f = i / legs;
      const base: LonLat = [from[0] + (to[0] - from[0]) * f, from[1] + (to[1] - from[1]) * f];
      const drift = Math.min(distance * 0.12, car ? 200 : 60);
      points.push(offsetMetres(base, this.rng.normal(0, drift), this.rng.normal(0, drift)));
    }
    points.push(to);
    for (const point of points) {
      // Streets meet at corners: go along one axis, then the other.
      if (this.rng.chance(0.6)) {
        const corner: LonLat = this.rng.chance(0.5) ? [point[0], this.position[1]] : [this.position[0], point[1]];
        this.run(corner, car ? this.rng.range(5, 11) : this.rng.range(1.1, 1.5));
      }
      this.run(point, car ? this.rng.range(5, 11) : this.rng.range(1.1, 1.5));
      if (point !== to) {
        if (car && this.rng.chance(0.3)) this.wait(this.rng.range(8, 45));
        if (!car && this.rng.chance(0.1)) this.wait(this.rng.range(15, 60));
      }
    }
  }
}

/**
 * What happens when a patrol reaches a site on its list. Koper (1995): stops of about
 * 10–16 minutes give the longest residual deterrence, so most stops are that long; some
 * are short, some are drive-bys (the brief: "drive-bys do little"), and some are missed.
 */
export type StopKind = 'koper' | 'long' | 'short' | 'drive-by' | 'missed';

export function drawStop(rng: Rng, mode: DemoUnitKind): StopKind {
  return rng.weighted<StopKind>(
    mode === 'CAR'
      ? [
          ['koper', 0.6],
          ['long', 0.06],
          ['short', 0.14],
          ['drive-by', 0.12],
          ['missed', 0.08],
        ]
      : [
          ['koper', 0.7],
          ['short', 0.2],
          ['drive-by', 0.1],
        ],
  );
}

/** Carries out one stop at a site; returns the minutes stood there (0 for a drive-by or a miss). */
export function visitSite(track: Track, site: DemoSite, stop: StopKind, rng: Rng): number {
  if (stop === 'missed') return 0;
  if (stop === 'drive-by') {
    track.travel(site.location);
    return 0;
  }
  const onFoot = track.mode === 'FOOT';
  track.travel(standingPoint(site, rng, onFoot));
  // Walking in and out of the radius adds about a minute to a foot patrol's stay.
  const koper = onFoot ? rng.range(10.2, 14.8) : rng.range(10.2, 15.8);
  const minutes = stop === 'koper' ? koper : stop === 'long' ? rng.range(17, 25) : rng.range(3, 8);
  track.wait(minutes * 60);
  return minutes;
}

/** Nearest-neighbour order from a start point: how a crew plans a round by eye. */
export function roundOrder<T extends { location: LonLat }>(start: LonLat, sites: readonly T[]): T[] {
  const left = [...sites];
  const order: T[] = [];
  let here = start;
  while (left.length > 0) {
    let best = 0;
    for (let i = 1; i < left.length; i++) {
      if (distanceMetres(here, left[i]!.location) < distanceMetres(here, left[best]!.location)) best = i;
    }
    const [next] = left.splice(best, 1);
    order.push(next!);
    here = next!.location;
  }
  return order;
}

export interface UnitDayPlan {
  seed: string | number;
  unit: DemoUnit;
  /** Midnight (London) starting the day. */
  midnight: Date;
  now: Date;
  sites: DemoSite[];
}

/** A unit's fixes and activities for one day, up to `now`. Deterministic per (seed, unit, day). */
export function patrolDay(plan: UnitDayPlan): { fixes: DemoFix[]; activities: DemoActivity[] } {
  const rng = Rng.stream(plan.seed, 'patrol', plan.unit.callSign, plan.midnight.toISOString());
  const out = { fixes: [] as DemoFix[], activities: [] as DemoActivity[] };
  const listed = (site: DemoSite, at: Date) => site.coveredBy === plan.unit.callSign && site.activeFrom <= at;
  const activity = (kind: DemoActivityKind, at: Date, location: LonLat, notes: string) =>
    out.activities.push({
      id: stableUuid(plan.seed, 'activity', plan.unit.callSign, plan.midnight.toISOString(), out.activities.length),
      unitId: plan.unit.id,
      kind,
      at,
      location: round6(location),
      notes,
    });
  const shift = (startHour: number, work: (track: Track) => void) => {
    const start = londonTime(plan.midnight, startHour);
    const track = new Track(rng, plan.unit.base, start, plan.unit.kind);
    work(track);
    track.travel(plan.unit.base);
    out.fixes.push(...track.fixes);
  };

  if (plan.unit.kind === 'CAR') {
    // Three rounds: every listed site in the morning, the twice-a-day (high-risk) ones again
    // in the afternoon, and the critical ones once more in the evening. Now and then a
    // round is lost to a call elsewhere.
    const rounds: [number, (s: DemoSite) => boolean][] = [
      [7.5 + rng.range(0, 1.5), (s) => s.requiredVisitsPerDay >= 1],
      [14.5 + rng.range(0, 2.5), (s) => s.requiredVisitsPerDay >= 2],
      [20 + rng.range(0, 1.5), (s) => s.requiredVisitsPerDay >= 3],
    ];
    for (const [hour, wanted] of rounds) {
      const lost = rng.chance(0.04);
      const at = londonTime(plan.midnight, hour);
      const sites = plan.sites.filter((s) => listed(s, at) && wanted(s));
      if (lost || sites.length === 0) continue;
      shift(hour, (track) => {
        for (const site of roundOrder(plan.unit.base, sites)) {
          // Low-risk sites get a look in about every other day.
          const stop = site.riskLevel === 'LOW' && rng.chance(0.5) ? 'missed' : drawStop(rng, 'CAR');
          visitSite(track, site, stop, rng);
        }
      });
    }
  } else if (plan.unit.callSign === 'CN-BZ1') {
    // Belsize SNT: an afternoon walk past the listed shops and the community centre, six days a week.
    if (londonWeekday(new Date(plan.midnight.getTime() + 12 * HOUR)) !== 0) {
      shift(13 + rng.range(0, 2), (track) => {
        const sites = plan.sites.filter((s) => listed(s, track.time));
        for (const site of rng.shuffle(sites)) {
          const stop = drawStop(rng, 'FOOT');
          const minutes = visitSite(track, site, stop, rng);
          if (minutes >= 4) {
            activity('REASSURANCE_VISIT', track.time, site.location, `Spoke with staff at ${site.name}; reassurance leaflet left`);
          }
        }
        if (rng.chance(0.3)) {
          track.travel(offsetMetres(plan.unit.base, rng.normal(0, 120), rng.normal(0, 120)));
          track.wait(rng.range(8, 15) * 60);
          activity('STREET_BRIEFING', track.time, track.here, 'Street briefing with residents and shopkeepers (demo)');
        }
      });
    }
  } else {
    // Hampstead Town SNT: evening street patrols and letter drops around South End Green,
    // five evenings a week ("thefts from vehicles, particularly in South End Green").
    if (rng.chance(5 / 7)) {
      shift(17.5 + rng.range(0, 1.5), (track) => {
        const streets = rng.int(6, 9);
        for (let i = 0; i < streets; i++) {
          // Residential streets within about 400 m, mostly north and east of the green.
          const street = offsetMetres(SOUTH_END_GREEN, rng.range(-250, 450), rng.range(-250, 250));
          track.travel(street);
          if (rng.chance(0.55)) {
            const doors = rng.int(8, 30);
            const start = track.here;
            track.amble(offsetMetres(start, rng.normal(0, 60), rng.normal(0, 60)));
            activity(
              'LETTER_DROP',
              track.time,
              start,
              `Crime-prevention letters through ${doors} doors: dark nights, leave nothing in the car (demo)`,
            );
          }
        }
        for (const site of plan.sites.filter((s) => listed(s, track.time))) visitSite(track, site, drawStop(rng, 'FOOT'), rng);
      });
    }
  }
  out.fixes = out.fixes.filter((f) => f.recordedAt <= plan.now);
  out.fixes.sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
  out.activities = out.activities.filter((a) => a.at <= plan.now);
  return out;
}

/**
 * Endless patrol for the live demo: a unit goes round its sites (stop, drive-by…) from where
 * it last was, and hands out the fixes whose time has come. Fixes are laid out a leg ahead
 * and stamped from the wall clock, so the map moves in real time.
 */
/** A stop of a patrol plan, as the live demo follows it (the server's PlanStop). */
export interface PlannedStop {
  location: LonLat;
  name: string;
  arriveAt: Date;
  dwellMinutes: number;
}

export class LivePatrol {
  private queue: DemoFix[] = [];
  private order: { location: LonLat; name: string }[] = [];
  private planned: PlannedStop[] = [];
  private here: LonLat;
  private readonly home: LonLat;
  private readonly rng: Rng;

  constructor(
    seed: string | number,
    callSign: string,
    private readonly mode: DemoUnitKind,
    private readonly sites: { location: LonLat; name: string }[],
    start: LonLat,
  ) {
    this.rng = Rng.stream(seed, 'live', callSign);
    this.here = start;
    this.home = start;
  }

  /**
   * Follows a patrol plan from the next leg on: its stops in order, each reached on time
   * (waiting a street away when early) and held for its planned minutes; the usual round
   * resumes after the last one. An empty list drops the plan.
   */
  follow(stops: readonly PlannedStop[]): void {
    this.planned = [...stops];
  }

  /** Fixes due at or before `now` (at most one leg's worth is laid out at a time). */
  due(now: Date): DemoFix[] {
    if (this.queue.length === 0) this.planLeg(now);
    const due: DemoFix[] = [];
    while (this.queue.length > 0 && this.queue[0]!.recordedAt <= now) due.push(this.queue.shift()!);
    if (this.queue.length === 0 && due.length > 0) this.planLeg(new Date(due.at(-1)!.recordedAt.getTime() + PING_SECONDS * 1000));
    return due;
  }

  private planLeg(start: Date): void {
    const stop = this.planned.shift();
    if (stop) {
      const track = new Track(this.rng, this.here, start, this.mode);
      const car = this.mode === 'CAR';
      const legSeconds = distanceMetres(this.here, stop.location) / (car ? 6 : 1.2);
      if (stop.arriveAt.getTime() - start.getTime() > (legSeconds + 300) * 1000) {
        // Early: wait a street away (out of the visit radius), then go in on time.
        const aside = offsetMetres(stop.location, car ? 150 : 90, 0);
        track.travel(aside);
        const left = (stop.arriveAt.getTime() - track.time.getTime()) / 1000 - (car ? 40 : 80);
        if (left > 0) track.wait(left);
      }
      track.travel(offsetMetres(stop.location, this.rng.range(-8, 8), this.rng.range(-8, 8)));
      track.wait(stop.dwellMinutes * 60);
      this.here = track.here;
      this.queue = track.fixes;
      if (this.queue.length === 0)
        this.queue = [{ recordedAt: start, longitude: this.here[0], latitude: this.here[1], accuracy: 5, speed: 0, heading: null }];
      return;
    }
    if (this.order.length === 0) {
      // A round of the unit's sites, with a few streets near home patrolled in between.
      const spread = this.mode === 'CAR' ? 800 : 250;
      const streets = Array.from({ length: 3 }, (_, i) => ({
        location: offsetMetres(this.home, this.rng.normal(0, spread), this.rng.normal(0, spread)),
        name: `street ${i + 1}`,
      }));
      this.order = roundOrder(this.here, [...this.sites, ...streets]);
    }
    const target = this.order.shift()!;
    const isSite = this.sites.includes(target);
    const track = new Track(this.rng, this.here, start, this.mode);
    track.travel(target.location);
    if (isSite) {
      const stop = drawStop(this.rng, this.mode);
      if (stop === 'koper' || stop === 'long') track.wait(this.rng.range(10.2, 14.8) * 60);
      if (stop === 'short') track.wait(this.rng.range(2, 5) * 60);
    }
    this.here = track.here;
    this.queue = track.fixes;
    if (this.queue.length === 0)
      this.queue = [{ recordedAt: start, longitude: this.here[0], latitude: this.here[1], accuracy: 5, speed: 0, heading: null }];
  }
}
