/** Where the tests' databases come from; decided once by the global setup. */
export type DatabaseTarget =
  | {
      kind: 'postgres';
      adminUrl: string;
      template: string;
      /** Names of this run's test databases start with it, so a run drops only its own. */
      prefix: string;
    }
  | { kind: 'embedded'; dumpFile: string };

export function describeDatabaseTarget(target: DatabaseTarget): string {
  return target.kind === 'postgres'
    ? `real PostgreSQL + PostGIS at ${new URL(target.adminUrl).host} (template ${target.template})`
    : 'embedded PGlite + PostGIS (set DATABASE_URL to use a real server)';
}

/** The same server URL pointed at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
