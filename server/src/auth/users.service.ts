import type { EntityManager } from '@mikro-orm/postgresql';
import { hashPassword } from './passwords.js';
import type { Role } from './role.js';
import { User } from './user.entity.js';

export interface NewUser {
  email: string;
  displayName: string;
  role: Role;
  password: string;
}

/** Creates the user, or resets the password and role of an existing one with that e-mail. */
export async function upsertUser(em: EntityManager, input: NewUser): Promise<User> {
  const email = input.email.trim().toLowerCase();
  const passwordHash = await hashPassword(input.password);
  const user =
    (await em.findOne(User, { email })) ?? em.create(User, { email, displayName: input.displayName, role: input.role, passwordHash });
  Object.assign(user, { displayName: input.displayName, role: input.role, passwordHash });
  await em.persistAndFlush(user);
  return user;
}
