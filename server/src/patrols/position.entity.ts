import { BigIntType, Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, Float, ObjectType } from 'type-graphql';
import { type Point, PointType } from '../db/geometry.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { PatrolUnit } from './patrol-unit.entity.js';

/**
 * One GPS fix (ping). Positions arrive by the thousand per second, so ingest writes them
 * with set-based SQL; this entity is for reading. (unit, recordedAt) is the natural key
 * that makes ingest idempotent.
 */
@ObjectType({ description: 'One GPS fix of a patrol unit.' })
@Entity({ tableName: 'positions' })
@Unique({ name: 'positions_unit_recorded_at_unique', properties: ['unit', 'recordedAt'] })
@Index({ name: 'positions_recorded_at_idx', properties: ['recordedAt'] })
export class Position {
  [OptionalProps]?: 'receivedAt' | 'longitude' | 'latitude';

  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @ManyToOne(() => PatrolUnit, { deleteRule: 'cascade' })
  unit!: PatrolUnit;

  @Field(() => Date, { description: 'Time of the fix, from the device.' })
  @Property({ type: 'timestamptz' })
  recordedAt!: Date;

  @Field(() => GeoJSONScalar, { description: 'Where the unit was (GeoJSON Point, WGS84).' })
  @Index({ type: 'gist' })
  @Property({ type: PointType })
  location!: Point;

  @Field(() => Float, { nullable: true, description: 'Horizontal accuracy in metres, as reported by the device.' })
  @Property({ type: 'real', nullable: true })
  accuracy?: number | null;

  @Field(() => Float, { nullable: true, description: 'Speed in metres per second.' })
  @Property({ type: 'real', nullable: true })
  speed?: number | null;

  @Field(() => Float, { nullable: true, description: 'Heading in degrees clockwise from north.' })
  @Property({ type: 'real', nullable: true })
  heading?: number | null;

  @Property({ type: 'timestamptz' })
  receivedAt: Date = new Date();

  @Field(() => Float, { description: 'Longitude of the fix (WGS84).' })
  get longitude(): number {
    return this.location.coordinates[0];
  }

  @Field(() => Float, { description: 'Latitude of the fix (WGS84).' })
  get latitude(): number {
    return this.location.coordinates[1];
  }
}
