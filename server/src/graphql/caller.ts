import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { Role } from '../auth/role.js';
import { type Caller, tokenExpiry, verifyToken } from '../auth/tokens.js';
import { User } from '../auth/user.entity.js';
import type { PubSub } from './pubsub.js';

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

/** How long a checked token is trusted without reading its account again. */
export const CALLER_CACHE_MS = 30_000;
const MAX_CACHED = 10_000;

/**
 * Checked tokens, kept for up to CALLER_CACHE_MS so that a dashboard's requests do not each
 * read the account row (one SELECT a request was a visible share of a page of incidents in
 * tests/bench). Revocation still takes effect at once: `signOut` and `disableUser` announce
 * the account on the `revoked` topic, heard by every server process, which drops its
 * tokens here; a gap in that feed drops them all. Nothing outlives the token's expiry.
 */
export class CallerCache {
  private readonly entries = new Map<string, { caller: Caller; until: number }>();
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

  /** resolveCaller, from the cache when the same header was checked lately. */
  async resolve(em: EntityManager, authorization: string | undefined | null): Promise<Caller | null> {
    if (!authorization) return null;
    const now = Date.now();
    const hit = this.entries.get(authorization);
    if (hit && hit.until > now) return hit.caller;
    const caller = await resolveCaller(em, this.secret, authorization);
    if (caller) {
      const expiry = tokenExpiry(authorization) ?? 0;
      if (this.entries.size >= MAX_CACHED) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(authorization, { caller, until: Math.min(now + this.ttlMs, expiry) });
    }
    return caller;
  }

  /** Drops the account's tokens: called at once by the process that revoked them, then by the event on every process. */
  forget(userId: string): void {
    for (const [token, entry] of this.entries) if (entry.caller.userId === userId) this.entries.delete(token);
  }

  close(): void {
    for (const off of this.stop) off();
  }
}
