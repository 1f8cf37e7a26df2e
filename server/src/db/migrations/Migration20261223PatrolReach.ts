import { Migration } from '@mikro-orm/migrations';

/**
 * Each unit's reach (the area within r of its path) over each settled UTC day, kept so
 * that zone coverage over weeks unions a few polygons per unit-day instead of buffering
 * every step again (analytics/reach.ts). `reach` null: marked stale by late fixes, to be
 * computed again; `version` counts the marks, so a computation that started before a mark
 * never overwrites it.
 */
export class Migration20261223PatrolReach extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table patrol_reach (
        unit_id uuid not null references patrol_units (id) on update cascade on delete cascade,
        day date not null,
        reach geometry(Geometry, 27700),
        version int not null default 0,
        computed_at timestamptz not null default now(),
        primary key (unit_id, day)
      );`);
    this.addSql(`create index patrol_reach_reach_idx on patrol_reach using gist (reach);`);
    this.addSql(`create index patrol_reach_day_idx on patrol_reach (day);`);
  }
}
