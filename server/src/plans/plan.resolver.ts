import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/role.js';
import type { Context } from '../graphql/context.js';
import { forbidden } from '../graphql/errors.js';
import { PatrolPlanInput } from './plan.inputs.js';
import { currentPlans, currentUnitPlan, previewPlan, savePlan } from './plan.service.js';
import { PatrolPlan, PlanProgress, UnitPlan } from './plan.types.js';
import { planProgress } from './progress.js';

/**
 * Plans hold site locations — a stop's own latitude and longitude are its site's — so every
 * site a plan shows is noted for the operation's one audit line, written with the answer
 * (audit/site-reads.ts), even when the query asks for no field of the site itself.
 */
function auditRead(ctx: Context, plans: { stops: { site: { id: string } | null }[] }[]): void {
  for (const plan of plans) for (const stop of plan.stops) if (stop.site) ctx.siteReads.add(stop.site.id);
}

@Resolver(() => PatrolPlan)
export class PatrolPlanResolver {
  @Authorized(Role.PLANNER, Role.SUPERINTENDENT)
  @Query(() => PatrolPlan, {
    description:
      'A patrol plan for units over a shift, saving nothing (planners, superintendents): ordered Koper-length stops at the sites in their zones (each site’s required visits spread over the shift) and optionally at Gi* hot spots, the route, what could not fit and why. Audited (site locations).',
  })
  async patrolPlan(@Arg('input', () => PatrolPlanInput, { description: 'What to plan.' }) input: PatrolPlanInput, @Ctx() ctx: Context) {
    const { plan } = await previewPlan(ctx.em, input);
    auditRead(ctx, [plan]);
    return plan;
  }

  @Authorized(Role.PLANNER, Role.SUPERINTENDENT)
  @Mutation(() => PatrolPlan, {
    description:
      'Makes the plan patrolPlan previews for the same input (the solver is deterministic) and stores it: from now on it is each unit’s current plan for the shift (planners, superintendents).',
  })
  savePatrolPlan(@Arg('input', () => PatrolPlanInput, { description: 'What to plan.' }) input: PatrolPlanInput, @Ctx() ctx: Context) {
    return savePlan(ctx.em, input, ctx.caller);
  }
}

@Resolver(() => UnitPlan)
export class UnitPlanResolver {
  @Authorized(Role.PLANNER, Role.SUPERINTENDENT)
  @Query(() => UnitPlan, {
    nullable: true,
    description: 'A unit’s current stored plan at a moment (default now): the newest covering it. Empty when it has none. Audited.',
  })
  async unitPlan(
    @Arg('unitId', () => ID, { description: 'The unit.' }) unitId: string,
    @Ctx() ctx: Context,
    @Arg('at', () => Date, { nullable: true, description: 'The moment (default now).' }) at?: Date,
  ): Promise<UnitPlan | null> {
    const plan = await currentUnitPlan(ctx.em, unitId, at ?? new Date());
    if (plan) auditRead(ctx, [plan]);
    return plan;
  }

  @Authorized(Role.PLANNER, Role.SUPERINTENDENT)
  @Query(() => [UnitPlan], {
    description: 'The current stored plan of every unit that has one at a moment (default now), by call sign. Audited.',
  })
  async patrolPlans(
    @Ctx() ctx: Context,
    @Arg('at', () => Date, { nullable: true, description: 'The moment (default now).' }) at?: Date,
  ): Promise<UnitPlan[]> {
    const plans = await currentPlans(ctx.em, at ?? new Date());
    auditRead(ctx, plans);
    return plans;
  }

  @Authorized(Role.DEVICE)
  @Query(() => UnitPlan, {
    nullable: true,
    description: 'The calling device’s unit’s current plan at a moment (default now): devices only, their own unit only. Audited.',
  })
  async myPlan(
    @Ctx() ctx: Context,
    @Arg('at', () => Date, { nullable: true, description: 'The moment (default now).' }) at?: Date,
  ): Promise<UnitPlan | null> {
    const unitId = ctx.caller?.unitId;
    if (!unitId) throw forbidden('Query.myPlan: this token names no unit');
    const plan = await currentUnitPlan(ctx.em, unitId, at ?? new Date());
    if (plan) auditRead(ctx, [plan]);
    return plan;
  }

  @FieldResolver(() => PlanProgress, {
    description: 'The plan against what the unit did (visits detected by ingest, fixes in the hot-spot cells), at a moment (default now).',
  })
  progress(
    @Root() plan: UnitPlan,
    @Ctx() ctx: Context,
    @Arg('at', () => Date, { nullable: true, description: 'The moment (default now).' }) at?: Date,
  ): Promise<PlanProgress> {
    return planProgress(ctx.em, plan, at ?? new Date(), { gapSeconds: ctx.config.visitGapSeconds });
  }
}
