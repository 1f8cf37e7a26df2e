import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { notFound } from '../graphql/errors.js';
import { PatrolZone } from './patrol-zone.entity.js';

@Resolver(() => PatrolZone)
export class ZoneResolver {
  @Authorized()
  @Query(() => [PatrolZone], {
    description: 'All patrol zones, by name. Bounded by the number of zones a borough command draws (hundreds).',
  })
  async zones(@Ctx() ctx: Context): Promise<PatrolZone[]> {
    return ctx.em.find(PatrolZone, {}, { orderBy: { name: 'asc' }, limit: 2000 });
  }

  @Authorized()
  @Query(() => PatrolZone, { description: 'One patrol zone.' })
  async zone(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<PatrolZone> {
    const zone = await ctx.em.findOne(PatrolZone, { id });
    if (!zone) throw notFound('Zone', id);
    return zone;
  }
}
