import { GraphQLError } from 'graphql';
import { Arg, Authorized, Ctx, Field, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { unauthenticated } from '../graphql/errors.js';
import { verifyPassword } from './passwords.js';
import { issueToken } from './tokens.js';
import { User } from './user.entity.js';

@ObjectType({ description: 'A signed-in session.' })
class AuthPayload {
  @Field(() => String, { description: 'Bearer token: send as `Authorization: Bearer <token>`.' })
  token!: string;

  @Field(() => User, { description: 'Who signed in.' })
  user!: User;
}

// A fixed hash to compare against when the e-mail is unknown, so a wrong e-mail and a
// wrong password take the same time and give the same answer.
const DUMMY_HASH = 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

/** Guessing is slowed per account: this many failed sign-ins in the window lock it for the rest of the window. */
export const LOGIN_FAILURES_ALLOWED = 5;
export const LOGIN_WINDOW_MINUTES = 15;

/**
 * Counts recent failed sign-ins for the address in the audit log — which every server
 * instance shares, so the throttle holds however many instances serve.
 */
async function refuseIfThrottled(ctx: Context, email: string): Promise<void> {
  const [row] = await ctx.em.execute<{ failures: number; oldest: Date | null }[]>(
    `select count(*)::int as failures, min(at) as oldest from audit_events
     where operation = 'login' and outcome = 'DENIED' and ? = any(target_ids) and at > now() - ?::interval`,
    [email, `${LOGIN_WINDOW_MINUTES} minutes`],
  );
  if ((row?.failures ?? 0) >= LOGIN_FAILURES_ALLOWED) {
    const retry = row?.oldest
      ? Math.max(1, Math.ceil((new Date(row.oldest).getTime() + LOGIN_WINDOW_MINUTES * 60_000 - Date.now()) / 60_000))
      : LOGIN_WINDOW_MINUTES;
    throw new GraphQLError(`Too many failed sign-ins for this account: try again in ${retry} minutes`, {
      extensions: { code: 'TOO_MANY_REQUESTS' },
    });
  }
}

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, { description: 'Sign in with e-mail and password; returns a bearer token.' })
  async login(
    @Arg('email', () => String, { description: 'Sign-in e-mail address.' }) email: string,
    @Arg('password', () => String, { description: 'Password.' }) password: string,
    @Ctx() ctx: Context,
  ): Promise<AuthPayload> {
    const address = email.trim().toLowerCase().slice(0, 320);
    await refuseIfThrottled(ctx, address);
    const user = await ctx.em.findOne(User, { email: address }, { populate: ['passwordHash'] });
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !ok || user.disabledAt) throw unauthenticated('Wrong e-mail or password');
    const token = await issueToken(ctx.config.jwtSecret, { userId: user.id, role: user.role, tokenVersion: user.tokenVersion });
    return { token, user };
  }

  @Authorized()
  @Query(() => User, { description: 'The signed-in user.' })
  async me(@Ctx() ctx: Context): Promise<User> {
    return ctx.em.findOneOrFail(User, { id: ctx.caller?.userId });
  }
}
