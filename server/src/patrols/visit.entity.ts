import { randomUUID } from 'node:crypto';
import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Site } from '../sites/site.entity.js';
import { PatrolUnit } from './patrol-unit.entity.js';

/**
 * A unit within radius r of a site for consecutive fixes with gaps under g (brief).
 * Koper (1995): stops of 10–16 minutes give the longest residual deterrence; Telep,
 * Mitchell & Weisburd (2014) used 12–16. A visit of 10–16 min is Koper-compliant.
 */
@ObjectType({ description: 'A stay of a patrol unit within the visit radius of a site.' })
@Entity({ tableName: 'visits' })
@Index({ name: 'visits_site_entered_at_idx', properties: ['site', 'enteredAt'] })
@Index({ name: 'visits_unit_entered_at_idx', properties: ['unit', 'enteredAt'] })
export class Visit {
  [OptionalProps]?: 'dwellMinutes' | 'koperCompliant';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => PatrolUnit, { deleteRule: 'cascade' })
  unit!: PatrolUnit;

  @ManyToOne(() => Site, { deleteRule: 'cascade' })
  site!: Site;

  @Field(() => Date, { description: 'First fix within the radius.' })
  @Property({ type: 'timestamptz' })
  enteredAt!: Date;

  @Field(() => Date, { description: 'Last fix within the radius.' })
  @Property({ type: 'timestamptz' })
  exitedAt!: Date;

  @Field(() => Int, { description: 'Number of fixes in the visit.' })
  @Property({ type: 'integer' })
  fixes!: number;

  @Field(() => Float, { description: 'Minutes from entry to exit.' })
  get dwellMinutes(): number {
    return (this.exitedAt.getTime() - this.enteredAt.getTime()) / 60_000;
  }

  @Field(() => Boolean, { description: 'Whether the stay lasted 10–16 minutes (Koper curve).' })
  get koperCompliant(): boolean {
    return this.dwellMinutes >= 10 && this.dwellMinutes <= 16;
  }
}
