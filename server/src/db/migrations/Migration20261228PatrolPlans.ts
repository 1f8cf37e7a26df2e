import { Migration } from '@mikro-orm/migrations';

/**
 * Saved patrol plans (server/src/plans): a plan for one or more units over a shift, each
 * unit's part, and its stops — a site visit or a dosage stop at a hot-spot cell, each of
 * Koper length (10–16 minutes). Plans are kept whole: a re-plan is a new plan, and a unit's
 * current plan at a moment is its newest one covering it.
 */
export class Migration20261228PatrolPlans extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table patrol_plans (
        id uuid primary key,
        shift_from timestamptz not null,
        shift_to timestamptz not null,
        replan_at timestamptz,
        request jsonb not null,
        method jsonb not null,
        solver jsonb not null,
        unplanned jsonb not null,
        notes jsonb not null,
        required_visits int not null,
        travel_metres double precision not null,
        travel_seconds int not null,
        created_by_id uuid references users (id) on update cascade on delete set null,
        created_at timestamptz not null default now(),
        check (shift_to > shift_from)
      );`);
    this.addSql(`
      create table patrol_unit_plans (
        id uuid primary key,
        plan_id uuid not null references patrol_plans (id) on update cascade on delete cascade,
        unit_id uuid not null references patrol_units (id) on update cascade on delete cascade,
        position int not null,
        shift_from timestamptz not null,
        shift_to timestamptz not null,
        starts_at timestamptz not null,
        start geometry(Point, 4326) not null,
        start_source text not null,
        travel_metres double precision not null,
        travel_seconds int not null,
        created_at timestamptz not null default now()
      );`);
    this.addSql(`create index patrol_unit_plans_unit_idx on patrol_unit_plans (unit_id, shift_from);`);
    this.addSql(`create index patrol_unit_plans_plan_idx on patrol_unit_plans (plan_id);`);
    this.addSql(`
      create table patrol_plan_stops (
        id uuid primary key,
        unit_plan_id uuid not null references patrol_unit_plans (id) on update cascade on delete cascade,
        sequence int not null,
        site_id uuid references sites (id) on update cascade on delete cascade,
        cell_id text,
        place_name text not null,
        location geometry(Point, 4326) not null,
        arrive_at timestamptz not null,
        depart_at timestamptz not null,
        dwell_minutes int not null check (dwell_minutes between 10 and 16),
        wait_minutes double precision not null,
        activity activity_kind not null,
        travel_metres double precision not null,
        travel_seconds int not null,
        route geometry(LineString, 4326) not null,
        visit_number int not null,
        visits_planned int not null,
        window_from timestamptz not null,
        window_to timestamptz not null,
        why text not null,
        unique (unit_plan_id, sequence),
        check ((site_id is null) <> (cell_id is null)),
        check (depart_at > arrive_at)
      );`);
    this.addSql(`create index patrol_plan_stops_site_idx on patrol_plan_stops (site_id);`);
  }
}
