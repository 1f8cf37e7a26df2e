import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { Role } from '../auth/role.js';
import { type Caller, verifyToken } from '../auth/tokens.js';
import { User } from '../auth/user.entity.js';

function rejected(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/**
 * Turns an `Authorization: Bearer …` value into a caller. No header: anonymous (null).
 * A bad, expired or revoked token is an error, not anonymity, so a client learns at once
 * that it must sign in again.
 */
export async function resolveCaller(em: EntityManager, secret: string, authorization: string | undefined | null): Promise<Caller | null> {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match?.[1]) throw rejected('Authorization header must be "Bearer <token>"');
  let caller: Caller;
  try {
    caller = await verifyToken(secret, match[1]);
  } catch {
    throw rejected('Token is invalid or expired: sign in again');
  }
  // Revocation: sign-out bumps tokenVersion, disabling sets disabledAt. A device token is
  // revoked the same way (issuing a new one, or revokeDeviceTokens, bumps the version),
  // and must name the unit its account is bound to.
  const user = await em.findOne(User, { id: caller.userId }, { fields: ['tokenVersion', 'disabledAt', 'deviceUnitId'] });
  if (!user || user.disabledAt || user.tokenVersion !== caller.tokenVersion) throw rejected('Token has been revoked: sign in again');
  if (caller.unitId !== undefined && (caller.role !== Role.DEVICE || user.deviceUnitId !== caller.unitId))
    throw rejected('Token has been revoked: sign in again');
  return caller;
}
