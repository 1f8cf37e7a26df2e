import { Migration } from '@mikro-orm/migrations';

/**
 * Live coverage (issue #16): each unit's reach kept per settled UTC hour as well as per day,
 * so a window that is still open (today) buffers only its part-hours and the open hour
 * (analytics/reach.ts). `patrol_reach_hours` is to hours what `patrol_reach` is to days
 * (`reach` null: marked stale; `version` counts the marks). `patrol_reach_spans` is a
 * cache: a unit's reach over hours [first_hour, end_hour) of a day, the union of those
 * hours, because unioning a day's hours again for every unit at every refresh costs about
 * what buffering them did; `version` is the version of the day's `patrol_reach` row it was
 * made from, which every mark of one of its hours moves, so a stale span is never read.
 */
export class Migration20270102PatrolReachHours extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table patrol_reach_hours (
        unit_id uuid not null references patrol_units (id) on update cascade on delete cascade,
        hour timestamptz not null,
        reach geometry(Geometry, 27700),
        version int not null default 0,
        computed_at timestamptz not null default now(),
        primary key (unit_id, hour)
      );`);
    this.addSql(`create index patrol_reach_hours_hour_idx on patrol_reach_hours (hour);`);
    this.addSql(`create index patrol_reach_hours_reach_idx on patrol_reach_hours using gist (reach);`);
    this.addSql(`
      create table patrol_reach_spans (
        unit_id uuid not null references patrol_units (id) on update cascade on delete cascade,
        day date not null,
        first_hour smallint not null,
        end_hour smallint not null,
        reach geometry(Geometry, 27700) not null,
        version int not null,
        computed_at timestamptz not null default now(),
        primary key (unit_id, day, first_hour, end_hour),
        check (0 <= first_hour and first_hour < end_hour and end_hour <= 24)
      );`);
    this.addSql(`create index patrol_reach_spans_part_idx on patrol_reach_spans (day, first_hour, end_hour);`);
    this.addSql(`create index patrol_reach_spans_computed_at_idx on patrol_reach_spans (computed_at);`);
  }
}
