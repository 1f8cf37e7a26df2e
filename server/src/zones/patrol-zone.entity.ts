import { randomUUID } from 'node:crypto';
import { Collection, Entity, Index, ManyToMany, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { type MultiPolygon, MultiPolygonType } from '../db/geometry.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { PatrolUnit } from '../patrols/patrol-unit.entity.js';

/** A polygon assigned to units. The demo starts from the ward boundaries (Safer Neighbourhood Teams are ward-based). */
@ObjectType({ description: 'A patrol zone: a polygon assigned to units, with targets.' })
@Entity({ tableName: 'patrol_zones' })
export class PatrolZone {
  [OptionalProps]?: 'createdAt' | 'updatedAt';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { description: 'Name, e.g. Hampstead Town.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Borough the zone belongs to.' })
  @Property({ type: 'text', nullable: true })
  borough?: string | null;

  @Field(() => String, { nullable: true, description: 'ONS GSS code of the ward the zone came from, if any.' })
  @Property({ type: 'text', nullable: true })
  gssCode?: string | null;

  @Field(() => GeoJSONScalar, { description: 'Boundary (GeoJSON MultiPolygon, WGS84).' })
  @Index({ type: 'gist' })
  @Property({ type: MultiPolygonType })
  boundary!: MultiPolygon;

  @Field(() => Int, { nullable: true, description: 'Target patrol minutes per day in the zone.' })
  @Property({ type: 'integer', nullable: true })
  targetMinutesPerDay?: number | null;

  @ManyToMany(() => PatrolUnit, undefined, { pivotTable: 'patrol_zone_units' })
  units = new Collection<PatrolUnit>(this);

  @Field(() => Date, { description: 'When the zone was created.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Date, { description: 'When the zone was last changed.' })
  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
