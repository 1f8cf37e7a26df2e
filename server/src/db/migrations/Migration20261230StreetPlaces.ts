import { Migration } from '@mikro-orm/migrations';

/**
 * Street names for the dashboard's place search, from the police.uk "On or near <street>"
 * labels of incidents: one row per street with the number of incidents and the sums of
 * their coordinates (the street's snap points averaged give a point to show). Kept by a
 * statement-level trigger on incidents, one aggregate per INSERT however many rows it
 * adds (an import of 100,000 rows is one statement), so searching reads a few thousand
 * streets instead of grouping every incident.
 */
export class Migration20261230StreetPlaces extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table street_places (
        name text primary key,
        incidents int not null,
        sum_lon float8 not null,
        sum_lat float8 not null
      );`);
    this.addSql(`
      create function street_name(label text) returns text language sql immutable as $$
        select nullif(btrim(substring(label from '^\\s*[Oo]n or near\\s+(.*)$')), '')
      $$;`);
    this.addSql(`
      create function street_places_add() returns trigger language plpgsql as $$
      begin
        insert into street_places as s (name, incidents, sum_lon, sum_lat)
        select street_name(n.location_name), count(*), sum(ST_X(n.location)), sum(ST_Y(n.location))
        from new_incidents n
        where street_name(n.location_name) is not null
        group by 1
        on conflict (name) do update set incidents = s.incidents + excluded.incidents,
                                         sum_lon = s.sum_lon + excluded.sum_lon,
                                         sum_lat = s.sum_lat + excluded.sum_lat;
        return null;
      end $$;`);
    this.addSql(`
      create trigger incidents_street_places after insert on incidents
        referencing new table as new_incidents for each statement execute function street_places_add();`);
    this.addSql(`
      insert into street_places (name, incidents, sum_lon, sum_lat)
      select street_name(location_name), count(*), sum(ST_X(location)), sum(ST_Y(location))
      from incidents where street_name(location_name) is not null group by 1;`);
  }
}
