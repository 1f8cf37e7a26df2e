import type { EntityManager } from '@mikro-orm/postgresql';

/** Deterministic pseudo-random numbers (mulberry32), so a failing test fails the same way again. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface RawIncident {
  category: string;
  occurredAt: Date;
  lon: number;
  lat: number;
  darkness?: 'DARK' | 'LIGHT' | 'UNKNOWN';
  flags?: string[];
}

/** Inserts incidents in one statement, straight into the table (fixtures, not the API under test). */
export async function insertIncidents(em: EntityManager, rows: RawIncident[]): Promise<void> {
  for (let start = 0; start < rows.length; start += 5000) {
    const chunk = rows.slice(start, start + 5000);
    await em.execute(
      `insert into incidents (id, category, occurred_at, occurred_precision, darkness, location, hate_crime_flags, source)
       select gen_random_uuid(), r.category, r.occurred_at, 'EXACT', r.darkness::darkness, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r.flags, 'test'
       from jsonb_to_recordset(?::jsonb) as r(category text, occurred_at timestamptz, darkness text, lon float8, lat float8, flags text[])`,
      [
        JSON.stringify(
          chunk.map((r) => ({
            category: r.category,
            occurred_at: r.occurredAt.toISOString(),
            darkness: r.darkness ?? 'LIGHT',
            lon: r.lon,
            lat: r.lat,
            flags: r.flags ?? [],
          })),
        ),
      ],
    );
  }
}
