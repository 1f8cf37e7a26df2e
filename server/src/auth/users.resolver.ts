import { IsEmail, Length, MaxLength } from 'class-validator';
import { Arg, Authorized, Ctx, Field, ID, InputType, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { badInput, checkId, notFound } from '../graphql/errors.js';
import { announceRevocation } from './revocation.js';
import { Role } from './role.js';
import { User } from './user.entity.js';
import { upsertUser } from './users.service.js';

@InputType({ description: 'A new account.' })
class CreateUserInput {
  @Field(() => String, { description: 'Sign-in e-mail address, unique, up to 200 characters.' })
  @IsEmail()
  @MaxLength(200)
  email!: string;

  @Field(() => String, { description: 'Name shown in the dashboard and the audit log, 1–100 characters.' })
  @Length(1, 100)
  displayName!: string;

  @Field(() => Role, { description: 'Role: SUPERINTENDENT, ANALYST or PLANNER (devices get tokens through issueDeviceToken).' })
  role!: Role;

  @Field(() => String, { description: 'Initial password, 12–200 characters.' })
  @Length(12, 200)
  password!: string;
}

const ALL_ROLES = Object.values(Role);

@Resolver()
export class UsersResolver {
  @Authorized(Role.SUPERINTENDENT)
  @Query(() => [User], { description: 'Everyone who can sign in, by e-mail (superintendents).' })
  users(@Ctx() ctx: Context): Promise<User[]> {
    return ctx.em.find(User, { deviceUnitId: null }, { orderBy: { email: 'asc' }, limit: 1000 });
  }

  @Authorized(Role.SUPERINTENDENT)
  @Mutation(() => User, { description: 'Creates an account (superintendents).' })
  async createUser(
    @Arg('input', () => CreateUserInput, { description: 'The account.' }) input: CreateUserInput,
    @Ctx() ctx: Context,
  ): Promise<User> {
    if (input.role === Role.DEVICE) throw badInput('input.role', 'device accounts are made by issueDeviceToken');
    if (await ctx.em.count(User, { email: input.email.trim().toLowerCase() })) throw badInput('input.email', 'is already in use');
    return upsertUser(ctx.em, input);
  }

  @Authorized(Role.SUPERINTENDENT)
  @Mutation(() => User, { description: 'Disables an account and revokes its tokens at once (superintendents).' })
  async disableUser(@Arg('id', () => ID, { description: 'Id of the account.' }) id: string, @Ctx() ctx: Context): Promise<User> {
    const user = await ctx.em.findOne(User, { id: checkId('id', id) });
    if (!user) throw notFound('User', id);
    if (user.id === ctx.caller?.userId) throw badInput('id', 'you cannot disable your own account');
    user.disabledAt ??= new Date();
    user.tokenVersion += 1;
    await ctx.em.flush();
    announceRevocation(ctx, user.id);
    return user;
  }

  @Authorized(...ALL_ROLES)
  @Mutation(() => Boolean, { description: 'Signs out everywhere: every token issued to the caller so far stops working.' })
  async signOut(@Ctx() ctx: Context): Promise<boolean> {
    const user = await ctx.em.findOneOrFail(User, { id: ctx.caller!.userId });
    user.tokenVersion += 1;
    await ctx.em.flush();
    announceRevocation(ctx, user.id);
    return true;
  }
}
