import { Arg, Authorized, Ctx, FieldResolver, Float, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/role.js';
import type { Context } from '../graphql/context.js';
import { PatrolUnit } from '../patrols/patrol-unit.entity.js';
import { PatrolZone } from './patrol-zone.entity.js';
import { CreateZoneInput, UpdateZoneInput } from './zone.inputs.js';
import { createZone, deleteZone, getZone, updateZone } from './zone.service.js';

@Resolver(() => PatrolZone)
export class ZoneResolver {
  @Authorized()
  @Query(() => [PatrolZone], { description: 'All patrol zones, by name (a borough command draws hundreds at most; capped at 2,000).' })
  async zones(@Ctx() ctx: Context): Promise<PatrolZone[]> {
    return ctx.em.find(PatrolZone, {}, { orderBy: { name: 'asc' }, limit: 2000 });
  }

  @Authorized()
  @Query(() => PatrolZone, { description: 'One patrol zone.' })
  zone(@Arg('id', () => ID, { description: 'Id of the zone.' }) id: string, @Ctx() ctx: Context): Promise<PatrolZone> {
    return getZone(ctx.em, id);
  }

  @Authorized(Role.PLANNER)
  @Mutation(() => PatrolZone, { description: 'Draws a new patrol zone (planners).' })
  createZone(
    @Arg('input', () => CreateZoneInput, { description: 'The new zone.' }) input: CreateZoneInput,
    @Ctx() ctx: Context,
  ): Promise<PatrolZone> {
    return createZone(ctx.em, input);
  }

  @Authorized(Role.PLANNER)
  @Mutation(() => PatrolZone, { description: 'Redraws or renames a patrol zone (planners).' })
  updateZone(
    @Arg('id', () => ID, { description: 'Id of the record to change.' }) id: string,
    @Arg('input', () => UpdateZoneInput, { description: 'The changes.' }) input: UpdateZoneInput,
    @Ctx() ctx: Context,
  ): Promise<PatrolZone> {
    return updateZone(ctx.em, id, input);
  }

  @Authorized(Role.PLANNER)
  @Mutation(() => PatrolZone, { description: 'Deletes a patrol zone and returns it as it was (planners).' })
  deleteZone(@Arg('id', () => ID, { description: 'Id of the zone.' }) id: string, @Ctx() ctx: Context): Promise<PatrolZone> {
    return deleteZone(ctx.em, id);
  }

  @FieldResolver(() => Float, { description: 'Area in square metres (computed in British National Grid).' })
  areaSquareMetres(@Root() zone: PatrolZone, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.zoneArea.load(zone.id);
  }

  @FieldResolver(() => [PatrolUnit], { description: 'Units assigned to the zone.' })
  units(@Root() zone: PatrolZone, @Ctx() ctx: Context): Promise<PatrolUnit[]> {
    return ctx.loaders.zoneUnits.load(zone.id);
  }
}
