import type { WebSocket } from 'ws';
import type { PubSub } from '../graphql/pubsub.js';

/** graphql-ws's close code for "Unauthorized": the dashboard signs out on it rather than reconnecting. */
export const UNAUTHORIZED_CLOSE = 4401;

interface SocketSession {
  socket: WebSocket;
  /** The `Bearer …` value the socket connected with, to check it again on revocation. */
  authorization: string;
  expiry?: NodeJS.Timeout;
}

/**
 * The open graphql-ws sockets, by account. A socket is authorised once, when it connects;
 * without this, a live feed would outlive its token: after sign-out, after the account
 * was disabled, after the token expired (8 h), as long as the socket stayed open.
 *
 * - Expiry: each socket closes when its token expires.
 * - Revocation: `signOut` and `disableUser` announce the account on the `revoked` topic,
 *   which reaches every server process; each checks that account's sockets again and
 *   closes those whose token no longer passes. Checking again, rather than closing every
 *   socket of the account, spares a socket opened with a fresh token after the revocation.
 * - A gap in the event feed (the LISTEN connection dropped) may have hidden a revocation:
 *   every socket is checked again.
 */
export class SocketSessions {
  private readonly byUser = new Map<string, Set<SocketSession>>();
  private readonly stop: (() => void)[];

  constructor(
    pubSub: PubSub,
    /** Whether this `Authorization` value still names a valid, unrevoked token. */
    private readonly stillValid: (authorization: string) => Promise<boolean>,
    private readonly onError: (error: unknown) => void = (e) => console.error('socket sessions:', e),
  ) {
    this.stop = [
      pubSub.transport.listen('revoked', (payload) => {
        void this.recheck(this.byUser.get((payload as { userId: string }).userId));
      }),
      pubSub.transport.listen('gap', () => {
        for (const sessions of this.byUser.values()) void this.recheck(sessions);
      }),
    ];
  }

  /** Tracks an authorised socket until it closes; `expiresAt` is when its (verified) token expires. */
  open(userId: string, socket: WebSocket, authorization: string, expiresAt: number): void {
    const session: SocketSession = { socket, authorization };
    // setTimeout holds at most 2³¹ − 1 ms (24.8 days); device tokens, which live longer, never open sockets.
    const delay = Math.min(Math.max(expiresAt - Date.now(), 0), 2 ** 31 - 1);
    session.expiry = setTimeout(() => socket.close(UNAUTHORIZED_CLOSE, 'Token expired: sign in again'), delay);
    session.expiry.unref();
    let sessions = this.byUser.get(userId);
    if (!sessions) {
      sessions = new Set();
      this.byUser.set(userId, sessions);
    }
    sessions.add(session);
    socket.once('close', () => {
      clearTimeout(session.expiry);
      sessions.delete(session);
      if (sessions.size === 0 && this.byUser.get(userId) === sessions) this.byUser.delete(userId);
    });
  }

  /** Open sockets of one account. */
  countFor(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }

  /** Open sockets, for tests and health figures. */
  get size(): number {
    let n = 0;
    for (const sessions of this.byUser.values()) n += sessions.size;
    return n;
  }

  close(): void {
    for (const off of this.stop) off();
  }

  private async recheck(sessions: Set<SocketSession> | undefined): Promise<void> {
    for (const session of [...(sessions ?? [])]) {
      try {
        if (!(await this.stillValid(session.authorization))) session.socket.close(UNAUTHORIZED_CLOSE, 'Token revoked: sign in again');
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
