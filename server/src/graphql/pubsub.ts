import { createPubSub } from '@graphql-yoga/subscription';

/**
 * Live events (positions, visits, overdue sites). In-process for now; the cross-process
 * fan-out through PostgreSQL LISTEN/NOTIFY plugs in here as the event target.
 */
export type PubSub = ReturnType<typeof createPubSub>;

export function createLocalPubSub(): PubSub {
  return createPubSub();
}
