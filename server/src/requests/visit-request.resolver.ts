import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/role.js';
import type { Context } from '../graphql/context.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { RiskLevel, Site } from '../sites/site.entity.js';
import { VisitRequest, VisitRequestStatus } from './visit-request.entity.js';
import { VisitRequestInput } from './visit-request.inputs.js';
import { approveRequest, rejectRequest, requestVisit } from './visit-request.service.js';

@Resolver(() => VisitRequest)
export class VisitRequestResolver {
  @Authorized(Role.PLANNER, Role.SUPERINTENDENT)
  @Query(() => [VisitRequest], { description: 'Reassurance-visit requests, oldest first (up to 500).' })
  visitRequests(
    @Ctx() ctx: Context,
    @Arg('status', () => VisitRequestStatus, { nullable: true, description: 'Only requests in this state.' }) status?: VisitRequestStatus,
  ): Promise<VisitRequest[]> {
    return ctx.em.find(VisitRequest, status ? { status } : {}, { orderBy: { createdAt: 'asc' }, limit: 500 });
  }

  @Authorized()
  @Mutation(() => VisitRequest, { description: 'Asks for reassurance visits at a place (anyone signed in).' })
  requestReassuranceVisit(
    @Arg('input', () => VisitRequestInput, { description: 'The place and who asks.' }) input: VisitRequestInput,
    @Ctx() ctx: Context,
  ): Promise<VisitRequest> {
    return requestVisit(ctx.em, input, ctx.caller!.userId);
  }

  @Authorized(Role.PLANNER)
  @Mutation(() => VisitRequest, { description: 'Approves a request: the place becomes a site on the patrol list (planners).' })
  approveVisitRequest(
    @Arg('id', () => ID, { description: 'Id of the request.' }) id: string,
    @Arg('requiredVisitsPerDay', () => Int, { description: 'Visits required per day, 1–48.' }) requiredVisitsPerDay: number,
    @Ctx() ctx: Context,
    @Arg('location', () => GeoJSONScalar, {
      nullable: true,
      description: 'Where to place the site (GeoJSON Point); needed if the request has none.',
    })
    location?: unknown,
    @Arg('riskLevel', () => RiskLevel, { nullable: true, description: 'Risk level (default: HIGH for 2+ visits a day, else MEDIUM).' })
    riskLevel?: RiskLevel,
  ): Promise<VisitRequest> {
    return approveRequest(ctx.em, id, { requiredVisitsPerDay, location, riskLevel }, ctx.caller!.userId);
  }

  @Authorized(Role.PLANNER)
  @Mutation(() => VisitRequest, { description: 'Rejects a request with a reason (planners).' })
  rejectVisitRequest(
    @Arg('id', () => ID, { description: 'Id of the record to change.' }) id: string,
    @Arg('reason', () => String, { description: 'Why, 1–2,000 characters.' }) reason: string,
    @Ctx() ctx: Context,
  ): Promise<VisitRequest> {
    return rejectRequest(ctx.em, id, reason, ctx.caller!.userId);
  }

  @FieldResolver(() => Site, { nullable: true, description: 'The site created when the request was approved.' })
  site(@Root() request: VisitRequest, @Ctx() ctx: Context): Promise<Site | null> {
    return request.site ? ctx.loaders.site.load(request.site.id) : Promise.resolve(null);
  }
}
