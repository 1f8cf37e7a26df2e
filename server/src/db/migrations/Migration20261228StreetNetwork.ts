import { Migration } from '@mikro-orm/migrations';

/**
 * The routable street network `vigil import streets` loads from an OpenStreetMap extract:
 * junctions (street_nodes, with the ways each can be reached by) and the stretches of street
 * between them (street_edges, with their shape, length and who may use them which way).
 * One network at a time: an import replaces the previous one (street_networks says which).
 */
export class Migration20261228StreetNetwork extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table street_networks (
        id uuid primary key,
        source_file text not null,
        imported_at timestamptz not null default now(),
        nodes int not null,
        edges int not null
      );`);
    this.addSql(`
      create table street_nodes (
        id bigint primary key,
        location geometry(Point, 4326) not null,
        location_bng geometry(Point, 27700) generated always as (ST_Transform(location, 27700)) stored,
        car boolean not null,
        cycle boolean not null,
        foot boolean not null
      );`);
    this.addSql(`create index street_nodes_location_bng_idx on street_nodes using gist (location_bng);`);
    // A stretch of one OSM way between two junctions. car_/cycle_forward: from source to
    // target; _backward: the other way (one-way streets have one of the two).
    this.addSql(`
      create table street_edges (
        id bigserial primary key,
        source bigint not null references street_nodes (id) on delete cascade,
        target bigint not null references street_nodes (id) on delete cascade,
        way_id bigint not null,
        name text,
        highway text not null,
        length_metres double precision not null check (length_metres >= 0),
        car_forward boolean not null,
        car_backward boolean not null,
        cycle_forward boolean not null,
        cycle_backward boolean not null,
        foot boolean not null,
        geometry geometry(LineString, 4326) not null
      );`);
    this.addSql(`create index street_edges_geometry_idx on street_edges using gist (geometry);`);
  }
}
