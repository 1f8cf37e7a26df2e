import type { EntityManager } from '@mikro-orm/postgresql';
import { queryOne, sql } from '../db/sql.js';
import type { Darkness, TimePrecision } from '../incidents/incident.entity.js';

/** One incident ready to store: category already a police.uk slug, darkness already worked out. */
export interface IncidentRow {
  /** Omitted: the database draws one. */
  id?: string;
  sourceRef: string | null;
  category: string;
  hateCrimeFlags: string[];
  occurredAt: Date;
  precision: TimePrecision;
  darkness: Darkness;
  longitude: number;
  latitude: number;
  description: string | null;
  source: string;
  locationName: string | null;
  /** Omitted: now. */
  recordedAt?: Date;
}

/** Rows per statement: big enough to amortise a round trip, small enough to keep a statement's JSON a few MB. */
export const INCIDENT_CHUNK = 5000;

/**
 * Inserts incidents set-based, one statement per chunk (never one per row). A row whose
 * source_ref is already stored — by an earlier import, or earlier in the same file — is
 * skipped by the unique constraint, so re-importing a file adds nothing twice.
 * Returns how many rows were new.
 */
export async function insertIncidents(em: EntityManager, rows: readonly IncidentRow[]): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < rows.length; start += INCIDENT_CHUNK) {
    const chunk = rows.slice(start, start + INCIDENT_CHUNK).map((r) => ({
      id: r.id ?? null,
      source_ref: r.sourceRef,
      category: r.category,
      flags: r.hateCrimeFlags,
      occurred_at: r.occurredAt.toISOString(),
      precision: r.precision,
      darkness: r.darkness,
      lon: r.longitude,
      lat: r.latitude,
      description: r.description,
      source: r.source,
      location_name: r.locationName,
      recorded_at: r.recordedAt?.toISOString() ?? null,
    }));
    const result = await queryOne<{ inserted: number }>(
      em,
      sql`with added as (
         insert into incidents (id, source_ref, category, hate_crime_flags, occurred_at, occurred_precision, darkness,
                                location, description, source, location_name, recorded_at)
         select coalesce(r.id, gen_random_uuid()), r.source_ref, r.category, coalesce(r.flags, '{}'), r.occurred_at,
                r.precision::time_precision, r.darkness::darkness, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326),
                r.description, r.source, r.location_name, coalesce(r.recorded_at, now())
         from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as r(id uuid, source_ref text, category text, flags text[], occurred_at timestamptz,
                                                precision text, darkness text, lon float8, lat float8, description text,
                                                source text, location_name text, recorded_at timestamptz)
         on conflict (source_ref) do nothing
         returning 1
       )
       select count(*)::int as inserted from added`,
    );
    inserted += result?.inserted ?? 0;
  }
  return inserted;
}
