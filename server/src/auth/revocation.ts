import type { Context } from '../graphql/context.js';

/**
 * After an account's token version went up (sign-out, disabled, a new or revoked device
 * token), and the change is committed: its earlier tokens stop working at once here (the
 * checked-token cache), and on every server process through the `revoked` event, which
 * also closes their open live feeds (http/socket-sessions.ts).
 */
export function announceRevocation(ctx: Context, userId: string): void {
  ctx.callers.forget(userId);
  ctx.pubSub.publish('revoked', { userId });
}
