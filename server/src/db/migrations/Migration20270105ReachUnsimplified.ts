import { Migration } from '@mikro-orm/migrations';

/**
 * The kept reach was buffered from paths simplified by 5 m with 2 segments a quarter circle,
 * and lost the discs of units standing still (analytics/reach.ts). Kept reach is a cache:
 * what is missing is buffered again, the new way, when a window first needs it.
 */
export class Migration20270105ReachUnsimplified extends Migration {
  override async up(): Promise<void> {
    this.addSql(`delete from patrol_reach_spans;`);
    this.addSql(`delete from patrol_reach_hours;`);
    this.addSql(`delete from patrol_reach;`);
  }
}
