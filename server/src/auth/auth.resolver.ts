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

@Resolver()
export class AuthResolver {
  @Mutation(() => AuthPayload, { description: 'Sign in with e-mail and password; returns a bearer token.' })
  async login(
    @Arg('email', () => String, { description: 'Sign-in e-mail address.' }) email: string,
    @Arg('password', () => String, { description: 'Password.' }) password: string,
    @Ctx() ctx: Context,
  ): Promise<AuthPayload> {
    const user = await ctx.em.findOne(User, { email: email.trim().toLowerCase() }, { populate: ['passwordHash'] });
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
