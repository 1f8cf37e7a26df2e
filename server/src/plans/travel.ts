import { registerEnumType } from 'type-graphql';
import { CIRCUITY_FACTOR, metresPerSecond, SPEED_KMH, type TravelProfile } from './rules.js';
import type { Travel } from './solver.js';

export enum TravelMethod {
  STREET_NETWORK = 'STREET_NETWORK',
  STRAIGHT_LINE = 'STRAIGHT_LINE',
}
registerEnumType(TravelMethod, {
  name: 'TravelMethod',
  description: 'How a plan measures its legs.',
  valuesConfig: {
    STREET_NETWORK: { description: 'Shortest paths over the imported street network (one-way streets kept for cars and cycles).' },
    STRAIGHT_LINE: { description: 'Straight-line distance times a stated circuity factor, at a stated speed per unit kind.' },
  },
});

/** A place a plan goes to or starts from: WGS84 for the map, metric for distances. */
export interface Place {
  longitude: number;
  latitude: number;
  /** Metric CRS coordinates (metres). */
  x: number;
  y: number;
}

/** Distances, times and leg shapes between a plan's places, for each travel profile. */
export interface TravelModel extends Travel {
  method: TravelMethod;
  /** What the plan says about its travel, in words. */
  description: string;
  circuityFactor: number | null;
  /** The leg from place i to place j as [longitude, latitude] positions. */
  leg(profile: TravelProfile, i: number, j: number): [number, number][];
}

export const speedDescription = (profiles: readonly TravelProfile[]) =>
  profiles.map((p) => `${SPEED_KMH[p]} km/h ${p === 'CAR' ? 'by car' : p === 'FOOT' ? 'on foot' : 'by cycle'}`).join(', ');

/**
 * Straight-line travel: the metric distance times CIRCUITY_FACTOR, at the profile's speed.
 * Used when no street network is imported (or it does not reach every stop), and said so.
 */
export function straightLineTravel(places: readonly Place[], profiles: readonly TravelProfile[], why: string): TravelModel {
  const metres = (_profile: string, i: number, j: number) =>
    i === j ? 0 : Math.hypot(places[i]!.x - places[j]!.x, places[i]!.y - places[j]!.y) * CIRCUITY_FACTOR;
  return {
    method: TravelMethod.STRAIGHT_LINE,
    description: `Straight line × ${CIRCUITY_FACTOR} (circuity) at ${speedDescription(profiles)}: ${why}`,
    circuityFactor: CIRCUITY_FACTOR,
    metres,
    // Whole seconds, rounded up: the schedule stays in whole seconds and never runs a leg faster than its speed.
    seconds: (profile, i, j) => Math.ceil(metres(profile, i, j) / metresPerSecond(profile as TravelProfile)),
    leg: (_profile, i, j) => [
      [places[i]!.longitude, places[i]!.latitude],
      [places[j]!.longitude, places[j]!.latitude],
    ],
  };
}
