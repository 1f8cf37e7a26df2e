import type { ActivityKind, PlanProgressFieldsFragment, StopState, UnitPlanFieldsFragment } from '@vigil/schema';

export type UnitPlanView = UnitPlanFieldsFragment;
export type Progress = PlanProgressFieldsFragment;

/** What the map draws: unit plans, with their progress when known (the superintendent's view). */
export interface PlanOnMap {
  units: readonly UnitPlanView[];
  progress?: ReadonlyMap<string, Progress>;
}

export const ACTIVITY_LABELS: Record<ActivityKind, string> = {
  REASSURANCE_VISIT: 'Reassurance visit',
  LETTER_DROP: 'Letter drop',
  STREET_BRIEFING: 'Street briefing',
};

export const STATE_LABELS: Record<StopState | 'NEXT', string> = {
  DONE: 'Done',
  LATE: 'Late',
  PLANNED: 'Planned',
  MISSED: 'Missed',
  NEXT: 'Next',
};

/** Colour-blind-safe state colours (Okabe–Ito), readable on white. */
export const STATE_COLOURS: Record<StopState | 'NEXT', string> = {
  DONE: '#1a7f37',
  LATE: '#b3261e',
  MISSED: '#6b1a14',
  PLANNED: '#1d5fa8',
  NEXT: '#a65f00',
};

/** One route colour per unit, in the order the plan lists them. */
export const UNIT_ROUTE_COLOURS = ['#1d5fa8', '#7b2d8e', '#a65f00', '#0f7173', '#b3261e', '#4b3a9a'];

const time = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });
export const hhmm = (iso: string) => time.format(new Date(iso));

export const km = (metres: number) => `${(metres / 1000).toFixed(1)} km`;

/** The state a stop shows: its progress state, with the next one picked out. */
export function stopState(progress: Progress | undefined, sequence: number): StopState | 'NEXT' | null {
  const p = progress?.stops.find((s) => s.sequence === sequence);
  if (!p) return null;
  return p.next ? 'NEXT' : p.state;
}
