import type { AuthChecker } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { forbidden, unauthenticated } from '../graphql/errors.js';
import { Role } from './role.js';

/**
 * The one place role rules are decided. Resolvers declare `@Authorized(...roles)`;
 * `@Authorized()` with no roles means "any signed-in person" (not a device).
 * It throws rather than returning false so the codes are stable: UNAUTHENTICATED for
 * anonymous callers, FORBIDDEN for signed-in callers without the role.
 */
export const authChecker: AuthChecker<Context, Role> = ({ context, info }, roles) => {
  const caller = context.caller;
  const operation = `${info.parentType.name}.${info.fieldName}`;
  // Anonymous callers reach only resolvers without @Authorized (login).
  if (!caller) throw unauthenticated(`${operation} needs a signed-in caller: send Authorization: Bearer <token>`);
  // Devices reach only operations that name DEVICE explicitly (position ingest).
  const allowed = roles.length === 0 ? caller.role !== Role.DEVICE : roles.includes(caller.role);
  if (!allowed) throw forbidden(`${operation} is not allowed for role ${caller.role}`);
  return true;
};
