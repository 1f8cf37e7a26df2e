import { Field, ObjectType } from 'type-graphql';
import { PatrolUnit } from '../patrols/patrol-unit.entity.js';
import { Position } from '../patrols/position.entity.js';
import { Site } from '../sites/site.entity.js';

@ObjectType({ description: 'New fixes of one patrol unit, as they were stored, or replayed from storage for a subscriber catching up.' })
export class UnitPositionsEvent {
  @Field(() => PatrolUnit, { description: 'The unit.' })
  unit!: PatrolUnit;

  @Field(() => [Position], { description: 'The fixes, in time order (only those inside the box, when one was given).' })
  positions!: Position[];

  @Field(() => Date, {
    description:
      'When these fixes were stored (server clock). To catch up after reconnecting, pass the storedAt of the last event received, less a minute, as `since`.',
  })
  storedAt!: Date;

  @Field(() => Boolean, {
    description:
      'True for fixes replayed from storage (after `since`, or after this server lost its event feed), which may repeat ones already sent.',
  })
  replayed!: boolean;
}

@ObjectType({ description: 'A site that has just gone overdue: no visit for longer than 24 h ÷ its required visits per day.' })
export class SiteOverdueEvent {
  @Field(() => Site, { description: 'The site.' })
  site!: Site;

  @Field(() => Date, { description: 'When it became overdue.' })
  dueBy!: Date;

  @Field(() => Date, { nullable: true, description: 'When its last visit ended; empty if it was never visited.' })
  lastVisitAt!: Date | null;
}
