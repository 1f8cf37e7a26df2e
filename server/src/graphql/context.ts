import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../auth/tokens.js';
import type { Config } from '../config.js';
import type { Loaders } from './loaders.js';

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
}
