import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import cors from 'cors';
import express, { type RequestHandler } from 'express';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { Role } from '../auth/role.js';
import type { Config } from '../config.js';
import { type DashboardState, defaultClientDir, serveDashboard } from '../dashboard/dashboard.js';
import type { Orm } from '../db/orm.js';
import { type ReplicaSet, readsFor } from '../db/replicas.js';
import { CallerCache, resolveCaller } from '../graphql/caller.js';
import type { Context } from '../graphql/context.js';
import { createLoaders } from '../graphql/loaders.js';
import { PubSub } from '../graphql/pubsub.js';
import { createSchema } from '../graphql/schema.js';
import { compact } from '../live/live.service.js';
import { startNotifyTransport } from '../live/notify-transport.js';
import { advisoryLockLeadership, soleLeader, startOverdueWatcher } from '../live/overdue-watcher.js';
import { localTransport } from '../live/transport.js';
import { UnitDirectory } from '../live/unit-directory.js';
import type { Fix } from '../patrols/positions.service.js';
import { bodyErrors, formatError, rateLimit, validationLimits } from './guards.js';
import { SocketSessions } from './socket-sessions.js';

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
  stop(): Promise<void>;
}

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

/** API answers are never cached (Apollo's cache-control plugin marked them so; it is off now). */
const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  next();
};

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
      ? await startNotifyTransport({ url: url as string, reconnectDelayMs: live.reconnectDelayMs, onError: onLiveError })
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
  const app = express();
  const httpServer = createServer(app);
  const production = config.env === 'production';

  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const wsCleanup = useServer<Record<string, unknown>, { caller?: Context['caller'] }>(
    {
      schema,
      // Subscriptions are authorised on connect: no valid token, no socket.
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header =
          typeof params.authorization === 'string'
            ? params.authorization
            : typeof params.Authorization === 'string'
              ? params.Authorization
              : null;
        try {
          const caller = await resolveCaller(orm.em.fork(), config.jwtSecret, header);
          // Devices only send positions (over HTTP): they may not watch anything.
          if (!caller || caller.role === Role.DEVICE || !header) return false;
          ctx.extra.caller = caller;
          // Closed when the token expires or is revoked, not only when the client leaves.
          sockets.open(caller.userId, ctx.extra.socket, header);
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx): Context => {
        const em = orm.em.fork() as Context['em'];
        return {
          em,
          reads: readsFor(replicas, em, ctx.extra.caller?.userId),
          caller: ctx.extra.caller ?? null,
          clientAddress: (ctx.extra as { request?: { socket?: { remoteAddress?: string } } }).request?.socket?.remoteAddress ?? null,
          config,
          loaders: createLoaders(em),
          pubSub,
          unitDirectory,
          callers,
        };
      },
    },
    wsServer,
  );

  const limits = validationLimits(schema, production);
  const apollo = new ApolloServer<Context>({
    schema,
    introspection: !production,
    csrfPrevention: true,
    // Production hides internals: no stack traces in errors; internal errors are masked always.
    includeStacktraceInErrorResponses: !production,
    formatError,
    // One operation per request: a batch of a hundred would multiply every other limit.
    allowBatchedHttpRequests: false,
    // The CLI stops everything in order on SIGINT/SIGTERM (the database last); Apollo's own
    // handler would stop the server on its own and send the signal again.
    stopOnTerminationSignals: false,
    validationRules: limits.validationRules,
    // Compact JSON: Apollo's default indents every response, which for a page of 500
    // incidents is a third more bytes and a visible share of the request's CPU (tests/bench).
    stringifyResult: (result) => JSON.stringify(result),
    plugins: [
      ...limits.plugins,
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
      ApolloServerPluginDrainHttpServer({ httpServer }),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await wsCleanup.dispose();
            },
          };
        },
      },
      ...(production ? [ApolloServerPluginLandingPageDisabled()] : []),
    ],
  });
  await apollo.start();

  app.disable('x-powered-by');
  app.get('/health', async (_req, res) => {
    try {
      await orm.em.getConnection().execute('select 1');
      res.json({ status: 'ok', database, ...(replicas ? { replicas: replicas.status() } : {}) });
    } catch (error) {
      console.error('[vigil] health check failed:', error);
      res.status(503).json({ status: 'unavailable', database });
    }
  });
  // Browsers on other origins only where configured; none by default (the dashboard is same-origin).
  app.use('/graphql', cors({ origin: config.corsOrigins.length ? config.corsOrigins : false, credentials: false }));
  app.use(
    '/graphql',
    noStore,
    rateLimit(),
    // 2 MB holds the largest legitimate request (5,000 incidents or 1,000 positions) with room to spare.
    express.json({ limit: '2mb' }),
    bodyErrors,
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<Context> => {
        const em = orm.em.fork() as Context['em'];
        const caller = await callers.resolve(em, req.headers.authorization);
        return {
          em,
          reads: readsFor(replicas, em, caller?.userId),
          caller,
          clientAddress: req.socket.remoteAddress ?? null,
          config,
          loaders: createLoaders(em),
          pubSub,
          unitDirectory,
          callers,
        };
      },
    }),
  );
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
    async stop() {
      await apollo.stop();
      wsServer.close();
      await stopLive();
    },
  };
}
