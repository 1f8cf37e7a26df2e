import { Arg, Authorized, Ctx, Field, FieldResolver, Float, ID, Int, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { LineString } from '../db/geometry.js';
import type { Context } from '../graphql/context.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { Site } from '../sites/site.entity.js';
import { patrolTrace } from './patrol.service.js';
import { PatrolUnit } from './patrol-unit.entity.js';
import { Position } from './position.entity.js';
import { Visit } from './visit.entity.js';

@ObjectType({ description: 'One fix of a trace, for replay.' })
class TracePoint {
  @Field(() => Date, { description: 'Time of the fix.' })
  recordedAt!: Date;

  @Field(() => Float, { description: 'Longitude (WGS84).' })
  longitude!: number;

  @Field(() => Float, { description: 'Latitude (WGS84).' })
  latitude!: number;
}

@ObjectType({ description: "A unit's positions over a window, as a line, with the visits it made." })
class PatrolTrace {
  @Field(() => PatrolUnit, { description: 'The unit.' })
  unit!: PatrolUnit;

  @Field(() => Date, { description: 'Start of the window.' })
  from!: Date;

  @Field(() => Date, { description: 'End of the window.' })
  to!: Date;

  @Field(() => GeoJSONScalar, {
    nullable: true,
    description:
      'The path as a GeoJSON LineString through the replay points (every fix up to 5,000, else evenly thinned to 5,000), in time order; empty with fewer than 2 fixes.',
  })
  line!: LineString | null;

  @Field(() => Int, { description: 'Number of fixes in the window.' })
  fixCount!: number;

  @Field(() => Float, { description: 'Length of the path in metres (on the spheroid).' })
  distanceMetres!: number;

  @Field(() => [TracePoint], { description: 'Fixes with their times for replay: all of them up to 5,000, else evenly thinned to 5,000.' })
  points!: TracePoint[];

  @Field(() => [Visit], { description: 'Visits overlapping the window, in time order (at most 1,000: a window holding more is refused).' })
  visits!: Visit[];
}

@Resolver(() => PatrolUnit)
export class PatrolUnitResolver {
  @Authorized()
  @Query(() => [PatrolUnit], { description: 'All patrol units by call sign, each with its last known position.' })
  patrolUnits(@Ctx() ctx: Context): Promise<PatrolUnit[]> {
    return ctx.em.find(PatrolUnit, {}, { orderBy: { callSign: 'asc' }, limit: 5000 });
  }

  @Authorized()
  @Query(() => PatrolTrace, { description: "A unit's trace over a window of at most 7 days." })
  patrolTrace(
    @Arg('unitId', () => ID, { description: 'Id of the patrol unit.' }) unitId: string,
    @Arg('from', () => Date, { description: 'Start of the window.' }) from: Date,
    @Arg('to', () => Date, { description: 'End of the window, at most 7 days after `from`.' }) to: Date,
    @Ctx() ctx: Context,
  ): Promise<PatrolTrace> {
    return patrolTrace(ctx.em, unitId, from, to);
  }

  @FieldResolver(() => Position, { nullable: true, description: 'The latest fix received from the unit.' })
  lastPosition(@Root() unit: PatrolUnit, @Ctx() ctx: Context): Promise<Position | null> {
    return ctx.loaders.lastPosition.load(unit.id);
  }
}

@Resolver(() => Visit)
export class VisitResolver {
  @FieldResolver(() => PatrolUnit, { description: 'The unit that made the visit.' })
  async unit(@Root() visit: Visit, @Ctx() ctx: Context): Promise<PatrolUnit> {
    return (await ctx.loaders.unit.load(visit.unit.id)) as PatrolUnit;
  }

  @FieldResolver(() => Site, { description: 'The site visited.' })
  async site(@Root() visit: Visit, @Ctx() ctx: Context): Promise<Site> {
    return (await ctx.loaders.site.load(visit.site.id)) as Site;
  }
}
