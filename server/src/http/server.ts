import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express from 'express';
import type { Config } from '../config.js';
import { type DashboardState, defaultClientDir, serveDashboard } from '../dashboard/dashboard.js';
import type { Orm } from '../db/orm.js';
import type { ReplicaSet } from '../db/replicas.js';
import { RequestBudget } from '../graphql/budget.js';
import { CallerCache, resolveCaller } from '../graphql/caller.js';
import { buildContext, type Context, type ContextServices } from '../graphql/context.js';
import { createPipeline, type Pipeline } from '../graphql/pipeline.js';
import { PubSub } from '../graphql/pubsub.js';
import { stringifyAnswer } from '../graphql/raw-json.js';
import { createSchema } from '../graphql/schema.js';
import { compact, storedBatch } from '../live/live.service.js';
import { startNotifyTransport } from '../live/notify-transport.js';
import { advisoryLockLeadership, soleLeader, startOverdueWatcher } from '../live/overdue-watcher.js';
import { positionsByReference } from '../live/positions-by-reference.js';
import { localTransport } from '../live/transport.js';
import { UnitDirectory } from '../live/unit-directory.js';
import type { Fix } from '../patrols/positions.service.js';
import { graphqlPost, takesGraphQLPost } from './graphql-post.js';
import { bodyErrors, MAX_BODY_BYTES, noStore } from './guards.js';
import { healthCheck } from './health.js';
import { SocketSessions } from './socket-sessions.js';
import { startSocketServer } from './websocket.js';

export interface VigilServer {
  /** http://host:port — the dashboard at /, the API at /graphql (HTTP and WebSocket). */
  url: string;
  httpServer: Server;
  /** Whether the dashboard is served at /, and if not, why not. */
  dashboard: DashboardState;
  /** Live events: over PostgreSQL LISTEN/NOTIFY on a real server, in-process on the embedded one. */
  pubSub: PubSub;
  /**
   * Tells live subscribers about fixes stored outside the API (e.g. by the demo's
   * simulator through storePositions). Call it after they are committed.
   */
  publishPositions(unitId: string, fixes: Fix[], storedAt?: Date): void;
  /** Subscriptions running now over graphql-ws on this server (each ends when it completes or its socket closes). */
  liveOperations(): number;
  /**
   * Stops accepting connections at once, lets requests in flight finish for up to
   * `graceMs` (default STOP_GRACE_MS), then closes every socket left, HTTP keep-alive and
   * graphql-ws alike (their requests are aborted). Statements a closed request left running
   * are the database's to cancel (db/cancel.ts, as the CLI does).
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** How long stopping waits for requests in flight before closing their sockets. */
export const STOP_GRACE_MS = 3000;

export interface ServerOptions {
  config: Config;
  orm: Orm;
  /** Folder of the built dashboard; served at / when it exists. */
  clientDir?: string;
  /**
   * Which database serves this process (shown by /health), and so how live events
   * travel: LISTEN/NOTIFY through a real PostgreSQL, so every server on it hears them;
   * in-process on the embedded one (see live/transport.ts).
   */
  database: 'embedded' | 'postgres';
  /** Hot standbys for analytics reads (Database.replicas); none when left out. */
  replicas?: ReplicaSet | null;
  live?: {
    /** How often to look for sites going overdue (default 30 s). */
    overdueCheckMs?: number;
    /** First wait before reconnecting a dropped LISTEN connection (default 250 ms). */
    reconnectDelayMs?: number;
  };
}

/**
 * The pipeline's steps as Apollo hooks, for HTTP: the checks before execution once the
 * operation is known (so a mutation refused for its token can be audited by name), and the
 * audit of the sites the answer carries before it is sent — if that line cannot be
 * written, the answer is not sent either.
 */
function pipelinePlugin(pipeline: Pipeline): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, contextValue }) {
          if (!operation) return;
          await pipeline.beforeExecution({
            document,
            operation,
            variables: request.variables ?? {},
            context: contextValue,
            transport: 'http',
          });
        },
        async willSendResponse({ document, operation, contextValue, response }) {
          // An answer without data never ran (a persisted-query refusal, say, which Apollo sends
          // as 200): whatever stopped it, it is the client's to fix.
          if (response.body?.kind === 'single' && response.body.singleResult.data === undefined && (response.http.status ?? 200) === 200)
            response.http.status = 400;
          if (!document || !operation) return;
          try {
            await pipeline.afterExecution({ document, operation, context: contextValue });
          } catch (error) {
            const formatted = pipeline.formatError({ message: `audit failed: ${(error as Error).message}` });
            response.body = { kind: 'single', singleResult: { errors: [formatted] } };
            response.http.status = 500;
            return;
          }
          // The answer is final: the lists the database wrote take their places (graphql/raw-json.ts).
          if (response.body?.kind === 'single') contextValue.rawJson?.mark(response.body.singleResult.data);
        },
      };
    },
  };
}

/** One HTTP server, one port: dashboard, GraphQL over HTTP, GraphQL over WebSocket, health. */
export async function startServer({
  config,
  orm,
  clientDir = defaultClientDir,
  database,
  replicas = null,
  live = {},
}: ServerOptions): Promise<VigilServer> {
  const url = orm.config.get('clientUrl');
  if (database === 'postgres' && !url) throw new Error('startServer: the ORM has no clientUrl to LISTEN on');
  const onLiveError = (error: unknown) => console.error('live events:', error);
  const transport =
    database === 'postgres'
      ? positionsByReference(
          await startNotifyTransport({ url: url as string, reconnectDelayMs: live.reconnectDelayMs, onError: onLiveError }),
          // Read back on the primary, where the batch was committed before its reference went out
          // (a standby may not have replayed it yet).
          (reference) => storedBatch(orm.em.fork() as Context['em'], reference),
          onLiveError,
        )
      : localTransport(onLiveError);
  const pubSub = new PubSub(transport);
  // One server on the database announces sites going overdue, on behalf of all.
  const overdue = startOverdueWatcher({
    orm,
    pubSub,
    leadership: database === 'postgres' ? advisoryLockLeadership(url as string, onLiveError) : soleLeader,
    intervalMs: live.overdueCheckMs,
  });
  const unitDirectory = new UnitDirectory(orm.em as Context['em']);
  const callers = new CallerCache(pubSub, config.jwtSecret);
  const services: ContextServices = {
    orm,
    config,
    pubSub,
    unitDirectory,
    callers,
    replicas,
    budget: new RequestBudget(config.rateLimitPerMinute),
  };
  const sockets = new SocketSessions(pubSub, async (authorization) => {
    try {
      return (await resolveCaller(orm.em.fork(), config.jwtSecret, authorization)) !== null;
    } catch {
      return false;
    }
  });
  const stopLive = async () => {
    sockets.close();
    callers.close();
    unitDirectory.close();
    await overdue.stop();
    await pubSub.close();
  };
  const schema = await createSchema(pubSub);
  const production = config.env === 'production';
  const pipeline = createPipeline(schema, { production });
  const app = express();
  // A JSON POST to /graphql skips Express (http/graphql-post.ts), once Apollo is started.
  let graphqlPostHandler: ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
  const httpServer = createServer((req, res) => {
    if (graphqlPostHandler && takesGraphQLPost(req)) void graphqlPostHandler(req, res);
    else app(req, res);
  });
  // graphql-ws attaches once the port is ours (below): attached before, it would report a
  // port in use as an "internal error" with a stack trace, ahead of the CLI's one line.
  let socketServer: ReturnType<typeof startSocketServer> | undefined;

  let stopGrace = STOP_GRACE_MS;
  const apollo = new ApolloServer<Context>({
    schema,
    // Introspection is governed by the pipeline's rules, the same for both transports (off in production).
    introspection: true,
    csrfPrevention: true,
    // Production hides internals: no stack traces in errors; internal errors are masked always.
    includeStacktraceInErrorResponses: !production,
    formatError: pipeline.formatError,
    // One operation per request: a batch of a hundred would multiply every other limit.
    allowBatchedHttpRequests: false,
    // No client uses persisted queries; without them there is no query cache for strangers to fill.
    persistedQueries: false,
    // The CLI stops everything in order on SIGINT/SIGTERM (the database last); Apollo's own
    // handler would stop the server on its own and send the signal again.
    stopOnTerminationSignals: false,
    parseOptions: pipeline.parseOptions,
    validationRules: pipeline.validationRules,
    // Compact JSON: Apollo's default indents every response, which for a page of 500
    // incidents is a third more bytes and a visible share of the request's CPU (tests/bench).
    // stringifyAnswer also writes the lists the database wrote as JSON text (graphql/raw-json.ts).
    stringifyResult: stringifyAnswer,
    plugins: [
      pipelinePlugin(pipeline),
      // Read-your-writes: a caller's reads after their own mutation wait for a standby to replay it (db/replicas.ts).
      ...(replicas
        ? [
            {
              async requestDidStart() {
                return {
                  async willSendResponse({ operation, contextValue }: { operation?: { operation: string } | null; contextValue: Context }) {
                    if (operation?.operation === 'mutation' && contextValue.caller) await replicas.noteWrite(contextValue.caller.userId);
                  },
                };
              },
            },
          ]
        : []),
      // No cache hints are used, and the cache-control plugin wraps every field resolver to
      // collect them (a tenth of the CPU of a 500-incident page, tests/bench); responses are
      // marked no-store below instead, as the plugin marked them.
      ApolloServerPluginCacheControlDisabled(),
      // Drain for the grace given to stop(), then close every socket: HTTP and graphql-ws
      // ones (the drain tracks upgraded sockets too), so none can hold the stop.
      // (The plugin reads the grace when stopping, so stop() can choose it.)
      ApolloServerPluginDrainHttpServer({
        httpServer,
        get stopGracePeriodMillis() {
          return stopGrace;
        },
      }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await socketServer?.dispose();
            },
          };
        },
      },
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();
  // The one context builder (graphql/context.ts), as for graphql-ws: built once per request.
  const httpContext = (req: IncomingMessage, res: ServerResponse) => {
    const controller = new AbortController();
    // The client went away before its answer: stop resolving for it.
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    return buildContext(services, {
      authorization: req.headers.authorization,
      clientAddress: req.socket.remoteAddress ?? null,
      signal: controller.signal,
      rawJson: true,
    });
  };

  app.disable('x-powered-by');
  // Answers are no-store, so an ETag is never used: it was a SHA-1 of every answer (a 100 kB page: 0.2 ms).
  // The dashboard's files keep theirs (express.static sets its own).
  app.set('etag', false);
  app.get('/health', healthCheck(orm, database, replicas));
  // Browsers on other origins only where configured; none by default (the dashboard is
  // same-origin). Not mounted at all then: cors({ origin: false }) only passes each request on.
  if (config.corsOrigins.length > 0) app.use('/graphql', cors({ origin: config.corsOrigins, credentials: false }));
  app.use(
    '/graphql',
    noStore,
    express.json({ limit: MAX_BODY_BYTES }),
    bodyErrors,
    expressMiddleware(apollo, { context: ({ req, res }) => httpContext(req, res) }),
  );
  // Where CORS is configured its headers are Express's to write, on every request.
  if (config.corsOrigins.length === 0) graphqlPostHandler = graphqlPost(apollo, httpContext);
  const dashboard = serveDashboard(app, clientDir);

  try {
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(config.port, config.host, resolve);
    });
  } catch (error) {
    await apollo.stop();
    await stopLive();
    throw error;
  }
  const graphqlWs = startSocketServer({ httpServer, schema, pipeline, services, sockets });
  socketServer = graphqlWs;
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    httpServer,
    dashboard,
    pubSub,
    publishPositions(unitId, fixes, storedAt = new Date()) {
      if (fixes.length === 0) return;
      const sorted = [...fixes].sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
      pubSub.publish('positions', { unitId, storedAt: storedAt.toISOString(), fixes: sorted.map(compact) });
    },
    liveOperations: () => graphqlWs.liveOperations(),
    async stop({ graceMs = STOP_GRACE_MS } = {}) {
      stopGrace = graceMs;
      await apollo.stop();
      graphqlWs.close();
      await stopLive();
    },
  };
}
