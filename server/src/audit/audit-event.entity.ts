import { BigIntType, Entity, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';

/**
 * One line of the audit log. The table is append-only: a trigger refuses UPDATE and
 * DELETE, so not even the application can rewrite history.
 */
@ObjectType({ description: 'Who did what, when, from where, and whether it worked.' })
@Entity({ tableName: 'audit_events' })
export class AuditEvent {
  [OptionalProps]?: 'at' | 'targetIds';

  @Field(() => ID, { description: 'Sequence number: later events have larger ids.' })
  @PrimaryKey({ type: new BigIntType('string'), autoincrement: true })
  id!: string;

  @Field(() => Date, { description: 'When it happened.' })
  @Property({ type: 'timestamptz' })
  at: Date = new Date();

  @Field(() => String, { nullable: true, description: 'User id of the caller; empty for anonymous callers.' })
  @Property({ type: 'uuid', nullable: true })
  actorId?: string | null;

  @Field(() => String, { nullable: true, description: 'Role of the caller at the time.' })
  @Property({ type: 'text', nullable: true })
  actorRole?: string | null;

  @Field(() => String, { description: 'The operation, e.g. login, createSite, sites (a read of the site list).' })
  @Property({ type: 'text' })
  operation!: string;

  @Field(() => [String], { description: 'Ids of the records the operation touched.' })
  @Property({ type: 'text[]' })
  targetIds: string[] = [];

  @Field(() => String, { description: 'SUCCESS, DENIED or ERROR (with the error code).' })
  @Property({ type: 'text' })
  outcome!: string;

  @Field(() => String, { nullable: true, description: 'Client network address.' })
  @Property({ type: 'text', nullable: true })
  clientAddress?: string | null;
}
