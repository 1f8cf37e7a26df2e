import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../auth/tokens.js';
import type { Config } from '../config.js';
import type { Reads } from '../db/replicas.js';
import type { UnitDirectory } from '../live/unit-directory.js';
import type { CallerCache } from './caller.js';
import type { Loaders } from './loaders.js';
import type { PubSub } from './pubsub.js';

/** Per-request state: built fresh for each HTTP request or WebSocket operation. */
export interface Context {
  /** Forked per request: never the global entity manager. */
  em: EntityManager;
  /** The signed-in caller, or null for anonymous requests. */
  caller: Caller | null;
  clientAddress: string | null;
  config: Config;
  /** DataLoaders for this request only. */
  loaders: Loaders;
  /** Live events, shared by every request of this server and heard by every server process. */
  pubSub: PubSub;
  /** Patrol units for live feeds, shared by every subscription of this server (cached up to 30 s). */
  unitDirectory: UnitDirectory;
  /** Checked tokens of this server; revoking a user's tokens must also drop them here. */
  callers: CallerCache;
  /**
   * Runs reads that need not see the very latest write of anyone else (analytics, incident
   * pages) on a hot standby when one is in rotation and has replayed the caller's own
   * writes; on the primary otherwise (db/replicas.ts).
   */
  reads: Reads;
}
