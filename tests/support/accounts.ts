import type { Role } from '@vigil/server';

/** One account per role, created in every test server. */
export const testUsers = {
  SUPERINTENDENT: { email: 'supt@test.vigil', password: 'supt-password-1' },
  ANALYST: { email: 'analyst@test.vigil', password: 'analyst-password-1' },
  PLANNER: { email: 'planner@test.vigil', password: 'planner-password-1' },
  DEVICE: { email: 'device@test.vigil', password: 'device-password-1' },
} as const satisfies Record<Role, { email: string; password: string }>;
