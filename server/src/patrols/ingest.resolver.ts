import { Arg, Authorized, Ctx, Field, Float, ID, InputType, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { Role } from '../auth/role.js';
import type { Context } from '../graphql/context.js';
import { badInput, checkId, forbidden } from '../graphql/errors.js';
import { publishIngest } from '../live/live.service.js';
import { FixRejection, MAX_BATCH, MAX_FUTURE_MS, MAX_SPEED_MPS } from './fix-checks.js';
import { ingestPositions } from './positions.service.js';

/**
 * One GPS fix as a device sends it. Deliberately without validation rules: a bad fix is
 * reported in the result by its index while the rest of the batch is stored, rather than
 * failing the whole call.
 */
@InputType({ description: 'One GPS fix from a device.' })
export class PositionInput {
  @Field(() => Date, {
    description: 'When the fix was taken, by the device clock. With the unit, it identifies the fix: resending it stores nothing new.',
  })
  recordedAt!: Date;

  @Field(() => Float, { description: 'Longitude (WGS84), -180 to 180.' })
  longitude!: number;

  @Field(() => Float, { description: 'Latitude (WGS84), -90 to 90.' })
  latitude!: number;

  @Field(() => Float, { nullable: true, description: 'Horizontal accuracy in metres, as the receiver reports it.' })
  accuracy?: number | null;

  @Field(() => Float, { nullable: true, description: 'Speed over ground in metres per second.' })
  speed?: number | null;

  @Field(() => Float, { nullable: true, description: 'Heading in degrees clockwise from north, 0 to 360.' })
  heading?: number | null;
}

@ObjectType({ description: 'A fix that was not stored, and why.' })
class RejectedFix {
  @Field(() => Int, { description: 'Position of the fix in the batch as sent, from 0.' })
  index!: number;

  @Field(() => FixRejection, { description: 'Why it was refused.' })
  reason!: FixRejection;

  @Field(() => String, { description: 'The same in words, with the values involved.' })
  message!: string;
}

@ObjectType({ description: 'What happened to a batch of fixes. Every fix is counted in exactly one of the three.' })
class IngestResult {
  @Field(() => Int, { description: 'Fixes stored now. They are committed: acknowledged fixes are never lost.' })
  accepted!: number;

  @Field(() => Int, { description: 'Fixes already stored (same unit and recordedAt), e.g. from a resent batch: nothing to do.' })
  duplicates!: number;

  @Field(() => [RejectedFix], { description: 'Fixes refused, by their index in the batch. Resending them will not help.' })
  rejected!: RejectedFix[];
}

@Resolver()
export class IngestResolver {
  @Authorized(Role.DEVICE, Role.PLANNER, Role.SUPERINTENDENT)
  @Mutation(() => IngestResult, {
    description: `Stores a batch of up to ${MAX_BATCH.toLocaleString('en-GB')} fixes of one unit and updates its visits, in one transaction; fixes at (0,0), out of range, more than ${MAX_FUTURE_MS / 60_000} minutes in the future, older than the retention period or implying more than ${MAX_SPEED_MPS} m/s are refused by index, the rest stored. Idempotent: a fix resent is counted as a duplicate. Devices (for their own unit only), planners and superintendents.`,
  })
  async recordPositions(
    @Arg('unitId', () => ID, { description: 'Id of the patrol unit the fixes belong to.' }) unitId: string,
    @Arg('positions', () => [PositionInput], {
      description: `The fixes, in any order, at most ${MAX_BATCH.toLocaleString('en-GB')}.`,
      // PositionInput has no class-validator rules (fix-checks.ts judges each fix), so the
      // schema's validateFn would only walk up to 1,000 objects for nothing.
      validateFn: () => undefined,
    })
    positions: PositionInput[],
    @Ctx() ctx: Context,
  ): Promise<IngestResult> {
    const id = checkId('unitId', unitId);
    // A device token names its one unit; it may write nothing else.
    if (ctx.caller?.role === Role.DEVICE && ctx.caller.unitId !== id)
      throw forbidden(`Mutation.recordPositions: this device may only send positions for its own unit`);
    if (positions.length > MAX_BATCH) throw badInput('positions', `at most ${MAX_BATCH} fixes per batch (got ${positions.length})`);
    const outcome = await ingestPositions(
      ctx.em,
      id,
      positions,
      { radiusMetres: ctx.config.visitRadiusMetres, gapSeconds: ctx.config.visitGapSeconds },
      // The call's audit line commits with the fixes (one commit a batch, not two).
      { retentionDays: ctx.config.positionRetentionDays, audit: ctx.auditInTransaction },
    );
    // Committed: now, and only now, tell the live subscribers.
    publishIngest(ctx.pubSub, id, outcome);
    return { accepted: outcome.stored.length, duplicates: outcome.duplicates, rejected: outcome.rejected };
  }
}
