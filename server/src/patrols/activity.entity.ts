import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { type Point, PointType } from '../db/geometry.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { PatrolUnit } from './patrol-unit.entity.js';

export enum ActivityKind {
  REASSURANCE_VISIT = 'REASSURANCE_VISIT',
  LETTER_DROP = 'LETTER_DROP',
  STREET_BRIEFING = 'STREET_BRIEFING',
}
registerEnumType(ActivityKind, {
  name: 'ActivityKind',
  description: 'What a patrol did at a place.',
  valuesConfig: {
    REASSURANCE_VISIT: { description: 'A reassurance visit at a site.' },
    LETTER_DROP: { description: 'Crime-prevention letters through front doors.' },
    STREET_BRIEFING: { description: 'A briefing with people in the street.' },
  },
});

@ObjectType({ description: 'What a patrol did at a place: a reassurance visit, a letter drop, a street briefing.' })
@Entity({ tableName: 'activities' })
export class Activity {
  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => PatrolUnit, { deleteRule: 'cascade' })
  unit!: PatrolUnit;

  @Field(() => ActivityKind, { description: 'What was done.' })
  @Enum({ items: () => ActivityKind, nativeEnumName: 'activity_kind' })
  kind!: ActivityKind;

  @Field(() => Date, { description: 'When it was done.' })
  @Property({ type: 'timestamptz' })
  at!: Date;

  @Field(() => GeoJSONScalar, { description: 'Where it was done (GeoJSON Point, WGS84).' })
  @Property({ type: PointType })
  location!: Point;

  @Field(() => String, { nullable: true, description: 'Notes, e.g. number of letters dropped.' })
  @Property({ type: 'text', nullable: true })
  notes?: string | null;
}
