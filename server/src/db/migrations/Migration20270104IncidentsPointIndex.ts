import { Migration } from '@mikro-orm/migrations';

/**
 * The incident list in a box (issue 16: 500 newest in a 2 km square, 10 clients, 1M
 * incidents). PostGIS's GiST and SP-GiST indexes on `location` keep only each point's
 * bounding box, so they cannot answer from the index alone: the count and the page each
 * read one heap block per matching incident (about 4,500 for a borough square), and
 * incidents are stored in arrival order, not by place.
 *
 * PostgreSQL's own `point` type is stored exactly in an SP-GiST quad tree, which can
 * return it (index-only scans), and `point <@ box` compares exactly, edges included: for
 * a point, the same as ST_Intersects with the box (tests/api/incidents.test.ts). With the time and
 * id beside it, a box's count and its newest page come from the index alone (in a borough
 * square: about 3 ms for both, against 20–50 ms), and only the 501 rows of the page are
 * read. `location` is included only because the planner takes an index-only scan when
 * every column a statement mentions is in the index, and `ST_X(location)` mentions it.
 * The visibility map has to be set for this (autovacuum does it; the bench runs VACUUM).
 */
export class Migration20270104IncidentsPointIndex extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create index incidents_point_idx on incidents using spgist (point(ST_X(location), ST_Y(location))) include (location, occurred_at, id);`,
    );
  }
}
