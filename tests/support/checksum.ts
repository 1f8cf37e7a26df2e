import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The columns compared per table: everything the data says, leaving out what the database
 * draws at insert time (serial and random ids, now() stamps, password salts).
 */
const COMPARED: Record<string, string> = {
  users: 'email, display_name, role',
  patrol_zones: 'id, name, borough, gss_code, ST_AsEWKT(boundary) as boundary, target_minutes_per_day, created_at, updated_at',
  patrol_units: 'id, call_sign, kind, team, borough',
  patrol_zone_units: 'patrol_zone_id, patrol_unit_id',
  sites:
    'id, name, kind, ST_AsEWKT(location) as location, risk_level, required_visits_per_day, community, requested_by, active_from, active_to, archived_at, created_at, updated_at',
  operations: 'id, name, description, starts_at, ends_at, priority_communities, priority_site_kinds',
  visit_requests:
    'id, place_name, kind, ST_AsEWKT(location) as location, address, community, requester_name, reason, status, site_id, decided_at, created_at',
  incidents:
    'id, source_ref, category, hate_crime_flags, occurred_at, occurred_precision, darkness, ST_AsEWKT(location) as location, description, source, location_name, recorded_at',
  positions: 'unit_id, recorded_at, ST_AsEWKT(location) as location, accuracy, speed, heading',
  visits: 'unit_id, site_id, entered_at, exited_at, fixes',
  activities: 'id, unit_id, kind, at, ST_AsEWKT(location) as location, notes',
};

export interface TableChecksum {
  rows: number;
  md5: string;
}

/**
 * Row count and md5 of every row (as text, in a fixed order) per table, in one statement:
 * the fuzz pass takes them around every mutation it sends, hundreds of times.
 */
export async function tableChecksums(em: EntityManager): Promise<Record<string, TableChecksum>> {
  const parts = Object.entries(COMPARED).map(
    ([table, columns]) =>
      `select '${table}' as name, count(*)::int as rows, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as md5
       from (select ${columns} from ${table}) t`,
  );
  const rows = await em.getConnection().execute<{ name: string; rows: number; md5: string }[]>(parts.join('\nunion all\n'));
  // In COMPARED's order whatever order the rows come in: callers compare the records as JSON.
  const byName = new Map(rows.map((row) => [row.name, { rows: row.rows, md5: row.md5 }]));
  return Object.fromEntries(Object.keys(COMPARED).map((table) => [table, byName.get(table) as TableChecksum]));
}
