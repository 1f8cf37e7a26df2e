import { Arg, Authorized, Ctx, Field, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { badInput, unauthenticated } from '../graphql/errors.js';
import { verifyPassword } from './passwords.js';
import { pruneSignInAttempts, takeSignInPlace } from './sign-in-throttle.js';
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

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, {
    description:
      'Sign in with e-mail and password; returns a bearer token. At most 5 wrong passwords per account and client address in 15 minutes are checked (then TOO_MANY_REQUESTS); many failures on an account from anywhere slow each sign-in by up to 5 seconds.',
  })
  async login(
    @Arg('email', () => String, { description: 'Sign-in e-mail address.' }) email: string,
    @Arg('password', () => String, { description: 'Password.' }) password: string,
    @Ctx() ctx: Context,
  ): Promise<AuthPayload> {
    // RFC 5321 caps an address at 254 characters; passwords are 12–200 (CreateUserInput).
    if (email.length > 320) throw badInput('email', 'is longer than any e-mail address (320 characters)');
    if (password.length > 1024) throw badInput('password', 'is longer than any password Vigil accepts (1,024 characters)');
    const address = email.trim().toLowerCase();
    // One of the five places of this account and address, taken before any password is checked.
    const attempt = await takeSignInPlace(ctx.em, address, ctx.clientAddress);
    const user = await ctx.em.findOne(User, { email: address }, { populate: ['passwordHash'] });
    const ok = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    void pruneSignInAttempts(ctx.em).catch((error) => console.error('[vigil] sign-in attempts: prune failed:', error));
    if (!user || !ok || user.disabledAt) throw unauthenticated('Wrong e-mail or password');
    // A right password gives its place back: the five are for wrong ones.
    await attempt.release();
    const token = await issueToken(ctx.config.jwtSecret, { userId: user.id, role: user.role, tokenVersion: user.tokenVersion });
    return { token, user };
  }

  @Authorized()
  @Query(() => User, { description: 'The signed-in user.' })
  async me(@Ctx() ctx: Context): Promise<User> {
    return ctx.em.findOneOrFail(User, { id: ctx.caller?.userId });
  }
}
