import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import type { AuditInTransaction } from '../audit/audit.middleware.js';
import { SiteReads } from '../audit/site-reads.js';
import type { Caller } from '../auth/tokens.js';
import type { Config } from '../config.js';
import type { Orm } from '../db/orm.js';
import { type Reads, type ReplicaSet, readsFor } from '../db/replicas.js';
import type { UnitDirectory } from '../live/unit-directory.js';
import { RequestBudget } from './budget.js';
import type { CallerCache } from './caller.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { PubSub } from './pubsub.js';
import { RawJsonLists } from './raw-json.js';

/** Per-operation state: built once, by buildContext, for each HTTP request and each operation over graphql-ws. */
export interface Context {
  /** Forked per operation: never the global entity manager. */
  em: EntityManager;
  /** The signed-in caller, or null for anonymous requests (and for a token that failed: see authFailure). */
  caller: Caller | null;
  clientAddress: string | null;
  config: Config;
  /** DataLoaders for this operation only (made on first use: most operations need none). */
  readonly loaders: Loaders;
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
  /** The sites this operation's answer carries, for its one audit line (audit/site-reads.ts). */
  siteReads: SiteReads;
  /** Aborted when the client is gone (HTTP connection closed, socket closed, subscription completed): resolving stops. */
  signal: AbortSignal;
  /**
   * Set when the request carried a token that failed (forged, expired, revoked): the
   * operation is refused before it runs — and a mutation's refusal audited first — rather
   * than at the moment the context is built, when nothing is known of the operation yet.
   */
  authFailure: GraphQLError | null;
  /** When the caller's token expires (epoch ms); null without one. */
  tokenExpiresAt: number | null;
  /**
   * While a mutation field runs: its success audit line, for a resolver that would rather
   * commit it with its change (audit.middleware.ts).
   */
  auditInTransaction?: AuditInTransaction;
  /** Lists answered as database-written JSON text (graphql/raw-json.ts): HTTP answers only, null elsewhere. */
  rawJson: RawJsonLists | null;
}

/** What every operation's context is built from, shared by the server's transports. */
export interface ContextServices {
  orm: Orm;
  config: Config;
  pubSub: PubSub;
  unitDirectory: UnitDirectory;
  callers: CallerCache;
  /** Hot standbys for analytics reads; null without any. */
  replicas: ReplicaSet | null;
  budget: RequestBudget;
}

/** Where one operation comes from. */
export interface OperationSource {
  authorization: string | null | undefined;
  clientAddress: string | null;
  signal: AbortSignal;
  /** Whether this transport serialises its answers through stringifyAnswer (HTTP), so lists may come as raw JSON. */
  rawJson?: boolean;
}

/**
 * The one context builder, for HTTP and graphql-ws alike: the token is verified (through
 * the checked-token cache), then one operation is taken from the budget of whoever that
 * proved to be — or of the client address when there is no token or it failed — so the
 * rate limit never depends on how the header is written.
 */
export async function buildContext(services: ContextServices, source: OperationSource): Promise<Context> {
  const em = services.orm.em.fork() as Context['em'];
  let caller: Caller | null = null;
  let tokenExpiresAt: number | null = null;
  let authFailure: GraphQLError | null = null;
  try {
    const verified = await services.callers.resolve(em, source.authorization);
    caller = verified?.caller ?? null;
    tokenExpiresAt = verified?.expiresAt ?? null;
  } catch (error) {
    // A database failure while checking is not the caller's fault: let it surface as one.
    if (!(error instanceof GraphQLError)) throw error;
    authFailure = error;
  }
  await services.budget.consume(RequestBudget.key(caller?.userId ?? null, source.clientAddress));
  let loaders: Loaders | undefined;
  return {
    em,
    reads: readsFor(services.replicas, em, caller?.userId),
    caller,
    clientAddress: source.clientAddress,
    config: services.config,
    get loaders() {
      loaders ??= createLoaders(em);
      return loaders;
    },
    pubSub: services.pubSub,
    unitDirectory: services.unitDirectory,
    callers: services.callers,
    siteReads: new SiteReads(),
    signal: source.signal,
    authFailure,
    tokenExpiresAt,
    rawJson: source.rawJson ? new RawJsonLists() : null,
  };
}
