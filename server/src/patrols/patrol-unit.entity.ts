import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

export enum UnitKind {
  CAR = 'CAR',
  FOOT = 'FOOT',
  CYCLE = 'CYCLE',
}
registerEnumType(UnitKind, {
  name: 'UnitKind',
  description: 'How a patrol unit moves.',
  valuesConfig: { CAR: { description: 'A car.' }, FOOT: { description: 'A foot team.' }, CYCLE: { description: 'A cycle team.' } },
});

@ObjectType({ description: 'A car or foot team that patrols, with a call sign.' })
@Entity({ tableName: 'patrol_units' })
export class PatrolUnit {
  [OptionalProps]?: 'createdAt';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { description: 'Radio call sign, unique, e.g. CN-R1.' })
  @Property({ type: 'text', unique: true })
  callSign!: string;

  @Field(() => UnitKind, { description: 'Car, foot or cycle.' })
  @Enum({ items: () => UnitKind, nativeEnumName: 'unit_kind' })
  kind!: UnitKind;

  @Field(() => String, { description: 'Team, e.g. Camden reassurance unit, Hampstead Town SNT.' })
  @Property({ type: 'text' })
  team!: string;

  @Field(() => String, { description: 'Borough, e.g. Camden.' })
  @Property({ type: 'text' })
  borough!: string;

  @Field(() => Date, { description: 'When the unit was created.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
