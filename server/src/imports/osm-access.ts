/**
 * Who may use an OpenStreetMap way, and which way: the usual reading of OSM's highway,
 * access and oneway tags (wiki: Key:highway, Key:access, Key:oneway) for a police car, a
 * cycle and a foot patrol. Police vehicles may ignore some of it in an emergency; a patrol
 * plan is not an emergency, so the ordinary rules apply.
 */

export type Tags = Record<string, string>;

export interface Access {
  carForward: boolean;
  carBackward: boolean;
  cycleForward: boolean;
  cycleBackward: boolean;
  foot: boolean;
}

const CAR_HIGHWAYS = new Set([
  'motorway',
  'motorway_link',
  'trunk',
  'trunk_link',
  'primary',
  'primary_link',
  'secondary',
  'secondary_link',
  'tertiary',
  'tertiary_link',
  'unclassified',
  'residential',
  'living_street',
  'service',
  'road',
]);
/** Ways for people on foot besides the roads (in Great Britain one may walk on any road but a motorway). */
const FOOT_ONLY = new Set(['pedestrian', 'footway', 'path', 'steps', 'cycleway', 'bridleway', 'track', 'corridor']);
const CYCLE_EXTRA = new Set(['cycleway', 'path', 'track', 'bridleway']);

const YES = new Set(['yes', 'designated', 'permissive', 'destination', 'official', 'customers', 'delivery']);
const NO = new Set(['no', 'private', 'agricultural', 'forestry', 'discouraged']);

/** A mode's own tag wins over the general ones: the first of `keys` that is set decides. */
function allowed(tags: Tags, keys: string[], byDefault: boolean): boolean {
  for (const key of keys) {
    const value = tags[key];
    if (value === undefined) continue;
    if (YES.has(value)) return true;
    if (NO.has(value)) return false;
  }
  return byDefault;
}

/** Direction of a oneway value: 1 forward only, -1 backward only, 0 both ways; undefined when not set. */
function oneway(value: string | undefined): 1 | -1 | 0 | undefined {
  if (value === undefined) return undefined;
  if (value === 'yes' || value === 'true' || value === '1') return 1;
  if (value === '-1' || value === 'reverse') return -1;
  if (value === 'no' || value === 'false' || value === '0') return 0;
  return undefined;
}

/** Access of a way, or null when no one of the three may use it (not a street, closed, an area…). */
export function accessOf(tags: Tags): Access | null {
  const highway = tags.highway;
  if (!highway || (tags.area === 'yes' && highway !== 'pedestrian')) return null;
  const isRoad = CAR_HIGHWAYS.has(highway);
  const car = isRoad && allowed(tags, ['motorcar', 'motor_vehicle', 'vehicle', 'access'], true);
  const cycle =
    (isRoad && !highway.startsWith('motorway') && allowed(tags, ['bicycle', 'vehicle', 'access'], true)) ||
    (CYCLE_EXTRA.has(highway) && allowed(tags, ['bicycle', 'access'], true)) ||
    ((highway === 'pedestrian' || highway === 'footway') && allowed(tags, ['bicycle'], false));
  const foot =
    (isRoad && !highway.startsWith('motorway') && allowed(tags, ['foot', 'access'], true)) ||
    (FOOT_ONLY.has(highway) && allowed(tags, ['foot', 'access'], true));
  if (!car && !cycle && !foot) return null;

  // Roundabouts and motorways are one-way unless tagged otherwise.
  const implied = tags.junction === 'roundabout' || tags.junction === 'circular' || highway === 'motorway' ? 1 : 0;
  const vehicles = oneway(tags.oneway) ?? implied;
  // Cycles may be let through against the one-way ("contraflow").
  const cycles =
    oneway(tags['oneway:bicycle']) ?? (tags.cycleway?.startsWith('opposite') || tags['cycleway:left'] === 'opposite_lane' ? 0 : vehicles);
  return {
    carForward: car && vehicles !== -1,
    carBackward: car && vehicles !== 1,
    cycleForward: cycle && cycles !== -1,
    cycleBackward: cycle && cycles !== 1,
    foot,
  };
}
