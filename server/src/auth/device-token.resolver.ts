import { Arg, Authorized, Ctx, Field, ID, Mutation, ObjectType, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { PatrolUnit } from '../patrols/patrol-unit.entity.js';
import { DEVICE_TOKEN_TTL_DAYS, issueDeviceToken, revokeDeviceTokens } from './device-tokens.service.js';
import { announceRevocation } from './revocation.js';
import { Role } from './role.js';
import { User } from './user.entity.js';

@ObjectType({ description: "A patrol unit's device token: lets the device send positions for that unit and nothing else." })
class DeviceToken {
  @Field(() => String, {
    description: 'Bearer token for the device: send as `Authorization: Bearer <token>`. Shown once; keep it on the device.',
  })
  token!: string;

  @Field(() => PatrolUnit, { description: 'The only unit this token may send positions for.' })
  unit!: PatrolUnit;

  @Field(() => User, { description: "The unit's device account, the token's subject." })
  user!: User;

  @Field(() => Date, { description: `When the token stops working (${DEVICE_TOKEN_TTL_DAYS} days after issue), unless revoked before.` })
  expiresAt!: Date;
}

@Resolver()
export class DeviceTokenResolver {
  @Authorized(Role.PLANNER, Role.SUPERINTENDENT)
  @Mutation(() => DeviceToken, {
    description: `Issues a long-lived (${DEVICE_TOKEN_TTL_DAYS}-day) token for a unit's device, which may then only send positions for that unit. Revokes the unit's earlier device tokens. Planners and superintendents.`,
  })
  async issueDeviceToken(
    @Arg('unitId', () => ID, { description: 'Id of the patrol unit.' }) unitId: string,
    @Ctx() ctx: Context,
  ): Promise<DeviceToken> {
    const issued = await issueDeviceToken(ctx.em, ctx.config.jwtSecret, unitId);
    announceRevocation(ctx, issued.user.id);
    return issued;
  }

  @Authorized(Role.PLANNER, Role.SUPERINTENDENT)
  @Mutation(() => Boolean, {
    description:
      'Revokes every device token of a unit at once (e.g. a stolen handset). False if none was ever issued. Planners and superintendents.',
  })
  async revokeDeviceTokens(
    @Arg('unitId', () => ID, { description: 'Id of the patrol unit.' }) unitId: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    const userId = await revokeDeviceTokens(ctx.em, unitId);
    if (userId) announceRevocation(ctx, userId);
    return userId !== null;
  }
}
