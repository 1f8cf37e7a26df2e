/** Demo data for Camden and Islington: plain, deterministic data; the server's `seed` command stores it. */
export {
  DEFAULT_DEMO_SEED,
  type DemoData,
  type DemoOperation,
  type DemoOptions,
  type DemoVisitRequest,
  type DemoZone,
  generateDemo,
} from './demo.js';
export { distanceMetres, type LonLat, offsetMetres, WardMap } from './geo.js';
export { type DemoHateCrimeFlag, type DemoIncident, hateCrimeRate, SOUTH_END_GREEN } from './incidents.js';
export { type DemoActivity, type DemoFix, type DemoUnit, demoUnits, LivePatrol, PING_SECONDS, type PlannedStop, Track } from './patrols.js';
export { Rng, stableUuid } from './random.js';
export { type DemoRiskLevel, type DemoSite, type DemoSiteKind, VISITS_PER_DAY } from './sites.js';
export { civilTwilight, londonMidnight } from './time.js';
export { demoUsers } from './users.js';
export { loadWards, type Ward } from './wards.js';
