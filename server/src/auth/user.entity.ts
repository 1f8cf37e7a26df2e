import { randomUUID } from 'node:crypto';
import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';
import { Role } from './role.js';

@ObjectType({ description: 'A person (or device account) who signs in to Vigil.' })
@Entity({ tableName: 'users' })
export class User {
  [OptionalProps]?: 'tokenVersion' | 'createdAt' | 'disabledAt' | 'deviceUnitId';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { description: 'Sign-in e-mail address, unique.' })
  @Property({ type: 'text', unique: true })
  email!: string;

  @Field(() => String, { description: 'Name shown in the dashboard and the audit log.' })
  @Property({ type: 'text' })
  displayName!: string;

  @Field(() => Role, { description: 'What this user may do.' })
  @Enum({ items: () => Role, nativeEnumName: 'role' })
  role!: Role;

  /** scrypt hash with its salt and parameters; never leaves the server. */
  @Property({ type: 'text', hidden: true, lazy: true })
  passwordHash!: string;

  /** Bumped on sign-out everywhere or disable: tokens carrying an older version are refused. */
  @Property({ type: 'integer', default: 0 })
  tokenVersion: number = 0;

  @Field(() => Date, { nullable: true, description: 'When the account was disabled; disabled users cannot sign in.' })
  @Property({ type: 'timestamptz', nullable: true })
  disabledAt?: Date | null;

  /** Device accounts only: the one patrol unit this account's tokens may send positions for. */
  @Property({ type: 'uuid', nullable: true, unique: true })
  deviceUnitId?: string | null;

  @Field(() => Date, { description: 'When the account was created.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
