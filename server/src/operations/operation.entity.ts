import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { SiteKind } from '../sites/site.entity.js';

/** A named policing plan: the focus moves between communities as the threat changes, so priorities are data. */
@ObjectType({ description: 'A named policing plan with a start, an end and priority communities.' })
@Entity({ tableName: 'operations' })
export class Operation {
  [OptionalProps]?: 'priorityCommunities' | 'prioritySiteKinds';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { description: 'Name of the operation.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'What the operation is for.' })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => Date, { description: 'Start: usually the event day.' })
  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Field(() => Date, { nullable: true, description: 'End; open-ended when empty.' })
  @Property({ type: 'timestamptz', nullable: true })
  endsAt?: Date | null;

  @Field(() => [String], { description: 'Communities given priority, e.g. Jewish, Muslim.' })
  @Property({ type: 'text[]' })
  priorityCommunities: string[] = [];

  @Field(() => [SiteKind], { description: 'Site kinds given priority.' })
  @Enum({ items: () => SiteKind, array: true })
  prioritySiteKinds: SiteKind[] = [];
}
