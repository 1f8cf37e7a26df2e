import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { checkId, notFound } from '../graphql/errors.js';
import { PatrolUnit } from '../patrols/patrol-unit.entity.js';
import { hashPassword } from './passwords.js';
import { Role } from './role.js';
import { DEVICE_TOKEN_TTL_DAYS, issueToken } from './tokens.js';
import { User } from './user.entity.js';

export { DEVICE_TOKEN_TTL_DAYS };

export interface IssuedDeviceToken {
  token: string;
  unit: PatrolUnit;
  user: User;
  expiresAt: Date;
}

/**
 * Issues a device token for a unit: a bearer token whose subject is the unit's DEVICE
 * account (created on first issue), so the usual check — the account exists, is not
 * disabled, and its token version matches — covers device tokens too.
 *
 * Issuing revokes the unit's earlier tokens (the account's token version goes up): one
 * unit, one device in service; a lost or replaced handset is cut off by issuing anew.
 */
export async function issueDeviceToken(em: EntityManager, secret: string, unitId: string): Promise<IssuedDeviceToken> {
  const unit = await em.findOne(PatrolUnit, { id: checkId('unitId', unitId) });
  if (!unit) throw notFound('Patrol unit', unitId);
  let user = await em.findOne(User, { deviceUnitId: unit.id });
  if (user) {
    user.tokenVersion += 1;
    user.disabledAt = null;
  } else {
    user = em.create(User, {
      // .invalid is reserved (RFC 2606): the address can never reach anyone.
      email: `unit-${unit.id}@devices.vigil.invalid`,
      displayName: `Device of ${unit.callSign}`,
      role: Role.DEVICE,
      deviceUnitId: unit.id,
      // Device accounts never sign in with a password: a random one nobody knows.
      passwordHash: await hashPassword(randomBytes(32).toString('base64url')),
    });
  }
  await em.flush();
  const ttlSeconds = DEVICE_TOKEN_TTL_DAYS * 24 * 3600;
  const expiresAt = new Date((Math.floor(Date.now() / 1000) + ttlSeconds) * 1000);
  const token = await issueToken(
    secret,
    { userId: user.id, role: Role.DEVICE, unitId: unit.id, tokenVersion: user.tokenVersion },
    ttlSeconds,
  );
  return { token, unit, user, expiresAt };
}

/** Revokes every token issued for the unit's device. Returns its device account's id, or null if it never had one. */
export async function revokeDeviceTokens(em: EntityManager, unitId: string): Promise<string | null> {
  const unit = await em.findOne(PatrolUnit, { id: checkId('unitId', unitId) });
  if (!unit) throw notFound('Patrol unit', unitId);
  const user = await em.findOne(User, { deviceUnitId: unit.id });
  if (!user) return null;
  user.tokenVersion += 1;
  await em.flush();
  return user.id;
}
