/**
 * The rules a patrol plan follows, each with where it comes from. One place, so the plan,
 * its checks and the patrol sheet say the same thing.
 */

/**
 * Koper (1995): stops of about 10–16 minutes at a hot spot give the longest residual
 * deterrence; Telep, Mitchell & Weisburd (2014) used 12–16. A planned stop lasts this long.
 */
export const KOPER_MIN_MINUTES = 10;
export const KOPER_MAX_MINUTES = 16;
export const DEFAULT_DWELL_MINUTES = 12;

/**
 * Koper (1995): come back at least every 2 hours. Dosage stops at a hot-spot cell are
 * planned in windows that start 90 minutes apart and are 30 minutes wide, so any two
 * consecutive returns start at most 90 + 30 = 120 minutes apart and at least 60 apart.
 */
export const DOSAGE_RETURN_MAX_MINUTES = 120;
export const DOSAGE_SLOT_STEP_MINUTES = 90;
export const DOSAGE_SLOT_WIDTH_MINUTES = 30;

/**
 * "Twice a day" (mission) means visits spread over the day, not back to back: the k-th of
 * n visits starts in the k-th of n equal parts of the window, and at least 12 h ÷ n after
 * the previous one (6 h for twice a day, the "at least ~6 h apart") — half the even
 * interval, so a day's visits never bunch while the overdue rule (24 h ÷ n, brief) is kept
 * with room to spare.
 */
export const spacingSeconds = (visitsPerDay: number) => (visitsPerDay > 1 ? (12 * 3600) / visitsPerDay : 0);

/** A plan covers one shift: at most a day. */
export const MAX_PLAN_HOURS = 24;
export const MAX_PLAN_UNITS = 20;
export const MAX_DOSAGE_CELLS = 10;

/**
 * Without an imported street network, a leg is the straight-line distance times this
 * factor (route ÷ crow-flies): studies of road networks find about 1.2–1.4 in cities; 1.3
 * is the middle of that range.
 */
export const CIRCUITY_FACTOR = 1.3;

/**
 * Average speeds per unit kind, in km/h, for planning. Cars: TfL's speed surveys put
 * inner-London traffic at 11.4–14.8 mph (18–24 km/h) over the day (2003–06, Hansard
 * written answer of 2 December 2005); 20 km/h is their middle. Foot: 4.5 km/h, a steady
 * patrol walk (adult walking speed is about 1.3 m/s, 4.7 km/h). Cycles: 12 km/h in traffic.
 */
export const SPEED_KMH = { CAR: 20, FOOT: 4.5, CYCLE: 12 } as const;
export type TravelProfile = keyof typeof SPEED_KMH;

export const metresPerSecond = (profile: TravelProfile) => (SPEED_KMH[profile] * 1000) / 3600;

/**
 * Priority when not everything fits (issue: from the operation and from risk level). Risk
 * doubles the weight per level; a site of a community or kind the operation names counts
 * half as much again. Dosage stops weigh 3: after high-risk sites, before medium ones.
 */
export const RISK_WEIGHT = { LOW: 1, MEDIUM: 2, HIGH: 4, CRITICAL: 8 } as const;
export const OPERATION_PRIORITY_FACTOR = 1.5;
export const DOSAGE_WEIGHT = 3;

/** A street network is used only when every stop is this close to a street the unit can use. */
export const MAX_SNAP_METRES = 400;

/** The reminder printed on the patrol sheet. */
export const KOPER_REMINDER =
  'Stay 10–16 minutes at each stop (12 is the aim): drive-bys do little and stays past 16 minutes add little (Koper 1995). At a hot spot, come back within 2 hours.';
