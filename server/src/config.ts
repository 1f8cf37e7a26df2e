import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { METRIC_SRID } from './db/sql.js';

/** The repository root: the embedded data folder and the built client live beside it by default. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const integer = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const postgresUrl = z
  .string()
  .trim()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be a URL like postgres://user@host:5432/database');

const environment = z.object({
  DATABASE_URL: postgresUrl.optional(),
  DATABASE_REPLICA_URLS: z
    .string()
    .transform((v) =>
      v
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean),
    )
    .pipe(z.array(postgresUrl))
    .default([]),
  DATABASE_REPLICA_MAX_LAG_SECONDS: integer(1, 3600).default(10),
  PORT: integer(0, 65535).default(4000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  VIGIL_ENV: z.enum(['development', 'production', 'test']).default('development'),
  VIGIL_DATA_DIR: z.string().trim().min(1).default(join(repoRoot, '.vigil')),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  TILE_URL: z
    .string()
    .trim()
    .refine((v) => v === '' || /^https?:\/\/.+\{z\}.+\{x\}.+\{y\}/.test(v), 'must be an http(s) URL template with {z}, {x} and {y}')
    .default(''),
  TILE_ATTRIBUTION: z.string().max(500).default(''),
  VISIT_RADIUS_METRES: integer(5, 1000).default(50),
  VISIT_GAP_SECONDS: integer(10, 3600).default(120),
  POSITION_RETENTION_DAYS: integer(1, 3650).default(400),
  RATE_LIMIT_PER_MINUTE: integer(10, 1_000_000).default(1200),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((o) => o.trim())
        .filter(Boolean),
    ),
});

export interface Config {
  /** Unset: run the embedded PGlite + PostGIS under `dataDir`. */
  databaseUrl: string | undefined;
  /** Hot standbys of DATABASE_URL that may serve analytics reads (db/replicas.ts); none by default. */
  replicaUrls: string[];
  /** A standby further behind the primary than this is out of rotation. */
  replicaMaxLagSeconds: number;
  port: number;
  host: string;
  env: 'development' | 'production' | 'test';
  dataDir: string;
  jwtSecret: string;
  tileUrl: string;
  tileAttribution: string;
  /**
   * @deprecated not a setting: always METRIC_SRID (db/sql.ts), the projection of the stored
   * `_bng` columns. Kept for analytics/coverage until it drops the parameter.
   */
  metricSrid: typeof METRIC_SRID;
  /** Visit radius r: a unit this close to a site counts as being there (brief: default 50 m). */
  visitRadiusMetres: number;
  /** Visit gap g: consecutive fixes further apart than this split a visit (brief: default 2 min). */
  visitGapSeconds: number;
  positionRetentionDays: number;
  /** Operations a minute per verified caller (or per client address without one), per server process. */
  rateLimitPerMinute: number;
  corsOrigins: string[];
}

export class ConfigError extends Error {}

/**
 * Reads and validates the environment. Every bad value is named on its own line,
 * so an operator sees at once which variable to fix.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const raw = Object.fromEntries(
    // An empty variable counts as unset, as in most twelve-factor tools.
    Object.keys(environment.shape).flatMap((key) => (env[key] ? [[key, env[key]]] : [])),
  );
  const parsed = environment.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `Invalid ${name}: ${issue.message} (got ${JSON.stringify(raw[name])})`;
    });
    throw new ConfigError(lines.join('\n'));
  }
  const e = parsed.data;
  // It was once a variable; a value other than the stored projection's would be ignored, so say so.
  if (env.METRIC_SRID && env.METRIC_SRID.trim() !== String(METRIC_SRID))
    throw new ConfigError(
      `Invalid METRIC_SRID: distances and grids are always in EPSG:${METRIC_SRID} (British National Grid), the projection the _bng columns are stored in; unset it`,
    );
  if (e.VIGIL_ENV === 'production' && !e.JWT_SECRET) {
    throw new ConfigError('Invalid JWT_SECRET: must be set (32+ characters) when VIGIL_ENV=production');
  }
  return {
    databaseUrl: e.DATABASE_URL,
    replicaUrls: e.DATABASE_REPLICA_URLS,
    replicaMaxLagSeconds: e.DATABASE_REPLICA_MAX_LAG_SECONDS,
    port: e.PORT,
    host: e.HOST,
    env: e.VIGIL_ENV,
    dataDir: resolve(e.VIGIL_DATA_DIR),
    jwtSecret: e.JWT_SECRET ?? localSecret(resolve(e.VIGIL_DATA_DIR)),
    tileUrl: e.TILE_URL,
    tileAttribution: e.TILE_ATTRIBUTION,
    metricSrid: METRIC_SRID,
    visitRadiusMetres: e.VISIT_RADIUS_METRES,
    visitGapSeconds: e.VISIT_GAP_SECONDS,
    positionRetentionDays: e.POSITION_RETENTION_DAYS,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    corsOrigins: e.CORS_ORIGINS,
  };
}

/** Outside production a random secret is kept in the data folder, so sessions survive a restart. */
function localSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
