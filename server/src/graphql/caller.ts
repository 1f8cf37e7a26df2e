import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { Role } from '../auth/role.js';
import { bearerToken, type Caller, type VerifiedToken, verifyToken } from '../auth/tokens.js';
import { User } from '../auth/user.entity.js';
import type { PubSub } from './pubsub.js';

function rejected(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

/** Whether the account a verified token names still accepts it: not revoked, not disabled, the device's own unit. */
async function accountAccepts(em: EntityManager, caller: Caller): Promise<boolean> {
  // Revocation: sign-out bumps tokenVersion, disabling sets disabledAt. A device token is
  // revoked the same way (issuing a new one, or revokeDeviceTokens, bumps the version),
  // and must name the unit its account is bound to.
  const user = await em.findOne(User, { id: caller.userId }, { fields: ['tokenVersion', 'disabledAt', 'deviceUnitId'] });
  if (!user || user.disabledAt || user.tokenVersion !== caller.tokenVersion) return false;
  return caller.unitId === undefined || (caller.role === Role.DEVICE && user.deviceUnitId === caller.unitId);
}

/** The signature and claims of an `Authorization` value; throws UNAUTHENTICATED when they fail. */
async function verifyHeader(secret: string, authorization: string): Promise<VerifiedToken> {
  // Longer values are not tokens Vigil issued; they are not worth an HMAC.
  const token = authorization.length <= 4096 ? bearerToken(authorization) : null;
  if (!token) throw rejected('Authorization header must be "Bearer <token>"');
  try {
    return await verifyToken(secret, token);
  } catch {
    throw rejected('Token is invalid or expired: sign in again');
  }
}

/**
 * Turns an `Authorization: Bearer …` value into a caller. No header: anonymous (null).
 * A bad, expired or revoked token is an error, not anonymity, so a client learns at once
 * that it must sign in again.
 */
export async function resolveCaller(
  em: EntityManager,
  secret: string,
  authorization: string | undefined | null,
): Promise<VerifiedToken | null> {
  if (!authorization) return null;
  const verified = await verifyHeader(secret, authorization);
  if (!(await accountAccepts(em, verified.caller))) throw rejected('Token has been revoked: sign in again');
  return verified;
}

/** How long a checked account is trusted without reading it again. */
export const CALLER_CACHE_MS = 30_000;
const MAX_CACHED = 10_000;

/**
 * Accounts that accepted a token lately, kept for up to CALLER_CACHE_MS so that a
 * dashboard's requests do not each read the account row (one SELECT a request was a
 * visible share of a page of incidents in tests/bench).
 *
 * Keyed on what the verified token says — account, token version and device unit — never
 * on the header's text: a header spelled a hundred ways is one entry, and a forged one
 * never reaches the cache. (The signature check is kept apart, by the token's exact text:
 * see `tokens`; the expiry is checked on every request.)
 *
 * Revocation still takes effect at once: `signOut` and `disableUser` announce the account
 * on the `revoked` topic, heard by every server process, which drops its entries here; a
 * gap in that feed drops them all.
 */
export class CallerCache {
  private readonly entries = new Map<string, { userId: string; until: number }>();
  /**
   * Tokens whose signature and claims passed, by their exact text, until they expire: the
   * same bytes verify the same way, so only the expiry is checked again. jose's HMAC goes
   * through WebCrypto (a key import and a job on the thread pool each time): half a
   * millisecond of a bbox request's CPU. A token that failed is never kept.
   */
  private readonly tokens = new Map<string, VerifiedToken>();
  private readonly stop: (() => void)[];

  constructor(
    pubSub: PubSub,
    private readonly secret: string,
    private readonly ttlMs = CALLER_CACHE_MS,
  ) {
    this.stop = [
      pubSub.transport.listen('revoked', (payload) => this.forget((payload as { userId: string }).userId)),
      pubSub.transport.listen('gap', () => this.entries.clear()),
    ];
  }

  /** resolveCaller, with the account check from the cache when the same account and version passed lately. */
  async resolve(em: EntityManager, authorization: string | undefined | null): Promise<VerifiedToken | null> {
    if (!authorization) return null;
    const now = Date.now();
    const known = this.tokens.get(authorization);
    const verified = known && known.expiresAt > now ? known : await verifyHeader(this.secret, authorization);
    if (verified !== known) {
      if (known) this.tokens.delete(authorization);
      if (this.tokens.size >= MAX_CACHED) this.tokens.delete(this.tokens.keys().next().value as string);
      this.tokens.set(authorization, verified);
    }
    const { caller, expiresAt } = verified;
    const key = `${caller.userId}:${caller.tokenVersion}:${caller.unitId ?? ''}`;
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return verified;
    if (!(await accountAccepts(em, caller))) throw rejected('Token has been revoked: sign in again');
    if (this.entries.size >= MAX_CACHED) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { userId: caller.userId, until: Math.min(now + this.ttlMs, expiresAt) });
    return verified;
  }

  /** Drops the account's entries: called at once by the process that revoked them, then by the event on every process. */
  forget(userId: string): void {
    for (const [key, entry] of this.entries) if (entry.userId === userId) this.entries.delete(key);
  }

  close(): void {
    for (const off of this.stop) off();
  }
}
