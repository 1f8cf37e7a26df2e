import { jwtVerify, SignJWT } from 'jose';
import { Role } from './role.js';

/** Who is calling, as far as a resolver needs to know. */
export interface Caller {
  userId: string;
  role: Role;
  /** Device tokens only: the one unit this token may send positions for. */
  unitId?: string;
  /** Must match the user's tokenVersion; bumping it revokes every token issued before. */
  tokenVersion: number;
}

const ISSUER = 'vigil';
/** Short-lived sessions: a stolen token is worth little for long. */
export const SESSION_TTL_SECONDS = 8 * 60 * 60;

const key = (secret: string) => new TextEncoder().encode(secret);

export async function issueToken(secret: string, caller: Caller, ttlSeconds = SESSION_TTL_SECONDS): Promise<string> {
  return new SignJWT({ role: caller.role, ver: caller.tokenVersion, ...(caller.unitId ? { unit: caller.unitId } : {}) })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(caller.userId)
    .setIssuer(ISSUER)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(key(secret));
}

/** A device in a car is not signed in again every shift: its token lasts a year, unless revoked. */
export const DEVICE_TOKEN_TTL_DAYS = 365;
const DEVICE_TOKEN_TTL_SECONDS = DEVICE_TOKEN_TTL_DAYS * 24 * 60 * 60;
/** Clocks of the servers that issue and check tokens may differ by this much (for `iat`; a token expires on time). */
const CLOCK_TOLERANCE_SECONDS = 60;

/** A verified token: who it names, and when it stops working (epoch ms). */
export interface VerifiedToken {
  caller: Caller;
  expiresAt: number;
}

/**
 * Verifies signature, algorithm (HS256 only: no `none`, no key confusion), issuer, and
 * that the token says when it was issued and when it expires, within what its kind may
 * live: a session at most SESSION_TTL_SECONDS, a device token at most a year. A token
 * signed with the right key but without `exp`, or issued for ten years, is refused:
 * a leaked signing key must not mint tokens that never die, and neither may a bug.
 */
export async function verifyToken(secret: string, token: string): Promise<VerifiedToken> {
  const { payload } = await jwtVerify(token, key(secret), {
    algorithms: ['HS256'],
    issuer: ISSUER,
    requiredClaims: ['exp', 'iat', 'sub', 'iss'],
  });
  const role = payload.role as Role;
  if (!payload.sub || !Object.values(Role).includes(role) || typeof payload.ver !== 'number') {
    throw new Error('token has no valid subject, role or version');
  }
  const now = Date.now() / 1000;
  const iat = payload.iat as number;
  const exp = payload.exp as number;
  const maxAge = (role === Role.DEVICE ? DEVICE_TOKEN_TTL_SECONDS : SESSION_TTL_SECONDS) + CLOCK_TOLERANCE_SECONDS;
  if (iat > now + CLOCK_TOLERANCE_SECONDS) throw new Error('token is issued in the future');
  if (exp - iat > maxAge || now - iat > maxAge) throw new Error('token outlives the longest a token of its kind may live');
  return {
    caller: {
      userId: payload.sub,
      role,
      tokenVersion: payload.ver,
      ...(typeof payload.unit === 'string' ? { unitId: payload.unit } : {}),
    },
    expiresAt: exp * 1000,
  };
}

/** The token of an `Authorization: Bearer …` value, however it is spelled (any case, any spacing); null when it is not one. */
export function bearerToken(authorization: string): string | null {
  const match = /^\s*Bearer\s+(\S+)\s*$/i.exec(authorization);
  return match?.[1] ?? null;
}
