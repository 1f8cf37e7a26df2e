import type { Role } from '@vigil/schema';

/** How each role is named in the dashboard. */
export const ROLE_LABELS: Record<Role, string> = {
  SUPERINTENDENT: 'Superintendent',
  ANALYST: 'Analyst',
  PLANNER: 'Planner',
  DEVICE: 'Patrol device',
};
