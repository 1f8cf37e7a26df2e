import { Migration } from '@mikro-orm/migrations';

/**
 * The first schema. Written by hand (not by schema diff) because PostGIS needs more than
 * MikroORM models: typed geometry columns, GiST indexes, metric-CRS columns and the
 * append-only trigger on the audit log. Runs on PostgreSQL 15 + PostGIS 3.3 and on PGlite
 * (PostgreSQL 18 + PostGIS 3.6).
 */
export class Migration20261121Foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create extension if not exists postgis;`);

    this.addSql(`create type role as enum ('SUPERINTENDENT', 'ANALYST', 'PLANNER', 'DEVICE');`);
    this.addSql(
      `create type site_kind as enum ('SYNAGOGUE', 'MOSQUE', 'CHURCH', 'TEMPLE', 'SCHOOL', 'BUSINESS', 'COMMUNITY_CENTRE', 'EMBASSY', 'OTHER');`,
    );
    this.addSql(`create type risk_level as enum ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');`);
    this.addSql(`create type time_precision as enum ('EXACT', 'MONTH');`);
    this.addSql(`create type darkness as enum ('DARK', 'LIGHT', 'UNKNOWN');`);
    this.addSql(`create type unit_kind as enum ('CAR', 'FOOT', 'CYCLE');`);
    this.addSql(`create type activity_kind as enum ('REASSURANCE_VISIT', 'LETTER_DROP', 'STREET_BRIEFING');`);
    this.addSql(`create type visit_request_status as enum ('PENDING', 'APPROVED', 'REJECTED');`);

    this.addSql(`
      create table users (
        id uuid primary key,
        email text not null unique,
        display_name text not null,
        role role not null,
        password_hash text not null,
        token_version int not null default 0,
        disabled_at timestamptz,
        created_at timestamptz not null default now()
      );`);

    // Append-only: the trigger below refuses UPDATE and DELETE.
    this.addSql(`
      create table audit_events (
        id bigserial primary key,
        at timestamptz not null default now(),
        actor_id uuid,
        actor_role text,
        operation text not null,
        target_ids text[] not null default '{}',
        outcome text not null,
        client_address text
      );`);
    this.addSql(`create index audit_events_at_idx on audit_events (at);`);
    this.addSql(`
      create function audit_events_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_events is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
      end $$;`);
    this.addSql(`
      create trigger audit_events_append_only before update or delete on audit_events
      for each row execute function audit_events_append_only();`);
    this.addSql(`
      create trigger audit_events_no_truncate before truncate on audit_events
      for each statement execute function audit_events_append_only();`);

    // location_bng: the same point in British National Grid (EPSG:27700), so distances,
    // radii and grid cells are in metres and indexable (brief: never degrees).
    this.addSql(`
      create table sites (
        id uuid primary key,
        name text not null,
        kind site_kind not null,
        location geometry(Point, 4326) not null,
        location_bng geometry(Point, 27700) generated always as (ST_Transform(location, 27700)) stored,
        risk_level risk_level not null,
        required_visits_per_day int not null check (required_visits_per_day between 0 and 48),
        community text,
        requested_by text,
        active_from timestamptz not null default now(),
        active_to timestamptz,
        archived_at timestamptz,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        check (active_to is null or active_to > active_from)
      );`);
    this.addSql(`create index sites_location_idx on sites using gist (location);`);
    this.addSql(`create index sites_location_bng_idx on sites using gist (location_bng);`);

    this.addSql(`
      create table incidents (
        id uuid primary key,
        source_ref text,
        category text not null,
        hate_crime_flags text[] not null default '{}',
        occurred_at timestamptz not null,
        occurred_precision time_precision not null default 'EXACT',
        darkness darkness not null default 'UNKNOWN',
        location geometry(Point, 4326) not null,
        location_bng geometry(Point, 27700) generated always as (ST_Transform(location, 27700)) stored,
        description text,
        source text not null,
        location_name text,
        recorded_at timestamptz not null default now(),
        constraint incidents_source_ref_unique unique (source_ref),
        -- Month-precision records are never dark or light (brief).
        check (occurred_precision = 'EXACT' or darkness = 'UNKNOWN')
      );`);
    this.addSql(`create index incidents_location_idx on incidents using gist (location);`);
    this.addSql(`create index incidents_location_bng_idx on incidents using gist (location_bng);`);
    this.addSql(`create index incidents_occurred_at_idx on incidents (occurred_at desc, id desc);`);
    this.addSql(`create index incidents_category_occurred_at_idx on incidents (category, occurred_at);`);
    this.addSql(`create index incidents_hate_crime_idx on incidents using gin (hate_crime_flags) where hate_crime_flags <> '{}';`);

    this.addSql(`
      create table patrol_units (
        id uuid primary key,
        call_sign text not null unique,
        kind unit_kind not null,
        team text not null,
        borough text not null,
        created_at timestamptz not null default now()
      );`);

    // (unit_id, recorded_at) is the natural key of a fix: ingest upserts on it, so a
    // device that resends a batch stores each fix once.
    this.addSql(`
      create table positions (
        id bigserial primary key,
        unit_id uuid not null references patrol_units (id) on update cascade on delete cascade,
        recorded_at timestamptz not null,
        location geometry(Point, 4326) not null,
        accuracy real,
        speed real,
        heading real,
        received_at timestamptz not null default now(),
        constraint positions_unit_recorded_at_unique unique (unit_id, recorded_at)
      );`);
    this.addSql(`create index positions_location_idx on positions using gist (location);`);
    this.addSql(`create index positions_recorded_at_idx on positions (recorded_at);`);

    this.addSql(`
      create table visits (
        id uuid primary key,
        unit_id uuid not null references patrol_units (id) on update cascade on delete cascade,
        site_id uuid not null references sites (id) on update cascade on delete cascade,
        entered_at timestamptz not null,
        exited_at timestamptz not null,
        fixes int not null check (fixes > 0),
        check (exited_at >= entered_at),
        constraint visits_unit_site_entered_at_unique unique (unit_id, site_id, entered_at)
      );`);
    this.addSql(`create index visits_site_entered_at_idx on visits (site_id, entered_at);`);
    this.addSql(`create index visits_unit_entered_at_idx on visits (unit_id, entered_at);`);

    this.addSql(`
      create table activities (
        id uuid primary key,
        unit_id uuid not null references patrol_units (id) on update cascade on delete cascade,
        kind activity_kind not null,
        at timestamptz not null,
        location geometry(Point, 4326) not null,
        notes text
      );`);
    this.addSql(`create index activities_unit_at_idx on activities (unit_id, at);`);

    this.addSql(`
      create table patrol_zones (
        id uuid primary key,
        name text not null,
        borough text,
        gss_code text,
        boundary geometry(MultiPolygon, 4326) not null check (ST_IsValid(boundary)),
        boundary_bng geometry(MultiPolygon, 27700) generated always as (ST_Transform(boundary, 27700)) stored,
        target_minutes_per_day int check (target_minutes_per_day >= 0),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`create index patrol_zones_boundary_idx on patrol_zones using gist (boundary);`);
    this.addSql(`create index patrol_zones_boundary_bng_idx on patrol_zones using gist (boundary_bng);`);

    this.addSql(`
      create table patrol_zone_units (
        patrol_zone_id uuid not null references patrol_zones (id) on update cascade on delete cascade,
        patrol_unit_id uuid not null references patrol_units (id) on update cascade on delete cascade,
        primary key (patrol_zone_id, patrol_unit_id)
      );`);

    this.addSql(`
      create table operations (
        id uuid primary key,
        name text not null,
        description text,
        starts_at timestamptz not null,
        ends_at timestamptz,
        priority_communities text[] not null default '{}',
        priority_site_kinds text[] not null default '{}',
        check (ends_at is null or ends_at > starts_at)
      );`);

    this.addSql(`
      create table visit_requests (
        id uuid primary key,
        place_name text not null,
        kind site_kind not null,
        location geometry(Point, 4326),
        address text,
        community text,
        requester_name text not null,
        reason text,
        status visit_request_status not null default 'PENDING',
        submitted_by_id uuid references users (id) on update cascade on delete set null,
        decided_by_id uuid references users (id) on update cascade on delete set null,
        decided_at timestamptz,
        rejection_reason text,
        site_id uuid references sites (id) on update cascade on delete set null,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index visit_requests_status_idx on visit_requests (status, created_at);`);
  }
}
