/**
 * Demo accounts, one per role. The passwords are public on purpose (they are printed when
 * the demo starts); they exist only in demo data, never in a real deployment.
 */
export const demoUsers = [
  { email: 'superintendent@vigil.demo', displayName: 'Supt. Demo (Camden)', role: 'SUPERINTENDENT', password: 'demo-superintendent' },
  { email: 'analyst@vigil.demo', displayName: 'Analyst Demo', role: 'ANALYST', password: 'demo-analyst' },
  { email: 'planner@vigil.demo', displayName: 'Planner Demo', role: 'PLANNER', password: 'demo-planner' },
] as const;
