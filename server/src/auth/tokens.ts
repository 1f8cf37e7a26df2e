import { decodeJwt, jwtVerify, SignJWT } from 'jose';
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

/** Verifies signature, algorithm (HS256 only: no `none`, no key confusion), issuer and expiry. */
export async function verifyToken(secret: string, token: string): Promise<Caller> {
  const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'], issuer: ISSUER });
  const role = payload.role as Role;
  if (!payload.sub || !Object.values(Role).includes(role) || typeof payload.ver !== 'number') {
    throw new Error('token has no valid subject, role or version');
  }
  return {
    userId: payload.sub,
    role,
    tokenVersion: payload.ver,
    ...(typeof payload.unit === 'string' ? { unitId: payload.unit } : {}),
  };
}

/**
 * When the token in an `Authorization: Bearer …` value expires (epoch ms), read without
 * checking it: for values verifyToken has already accepted.
 */
export function tokenExpiry(authorization: string): number | undefined {
  const exp = decodeJwt(authorization.replace(/^Bearer\s+/i, '')).exp;
  return exp === undefined ? undefined : exp * 1000;
}
