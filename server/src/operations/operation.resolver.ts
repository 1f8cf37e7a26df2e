import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { Operation } from './operation.entity.js';

@Resolver(() => Operation)
export class OperationResolver {
  @Authorized()
  @Query(() => [Operation], { description: 'Policing operations, latest start first.' })
  operations(
    @Ctx() ctx: Context,
    @Arg('activeAt', () => Date, { nullable: true, description: 'Only operations running at this time.' }) activeAt?: Date,
  ): Promise<Operation[]> {
    const where = activeAt ? { startsAt: { $lte: activeAt }, $or: [{ endsAt: null }, { endsAt: { $gt: activeAt } }] } : {};
    return ctx.em.find(Operation, where, { orderBy: { startsAt: 'desc' }, limit: 500 });
  }
}
