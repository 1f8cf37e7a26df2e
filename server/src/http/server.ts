import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import { type Config, repoRoot } from '../config.js';
import type { Orm } from '../db/orm.js';
import { resolveCaller } from '../graphql/caller.js';
import type { Context } from '../graphql/context.js';
import { createLoaders } from '../graphql/loaders.js';
import { createLocalPubSub, type PubSub } from '../graphql/pubsub.js';
import { createSchema } from '../graphql/schema.js';

export interface VigilServer {
  /** http://host:port — the dashboard at /, the API at /graphql (HTTP and WebSocket). */
  url: string;
  httpServer: Server;
  pubSub: PubSub;
  stop(): Promise<void>;
}

export interface ServerOptions {
  config: Config;
  orm: Orm;
  /** Folder of the built dashboard; served at / when it exists. */
  clientDir?: string;
  /** Label for /health: which database serves this process. */
  database: 'embedded' | 'postgres';
}

/** One HTTP server, one port: dashboard, GraphQL over HTTP, GraphQL over WebSocket, health. */
export async function startServer({
  config,
  orm,
  clientDir = join(repoRoot, 'client/dist'),
  database,
}: ServerOptions): Promise<VigilServer> {
  const pubSub = createLocalPubSub();
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
          if (!caller) return false;
          ctx.extra.caller = caller;
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx): Context => {
        const em = orm.em.fork() as Context['em'];
        return {
          em,
          caller: ctx.extra.caller ?? null,
          clientAddress: (ctx.extra as { request?: { socket?: { remoteAddress?: string } } }).request?.socket?.remoteAddress ?? null,
          config,
          loaders: createLoaders(em),
        };
      },
    },
    wsServer,
  );

  const apollo = new ApolloServer<Context>({
    schema,
    introspection: !production,
    csrfPrevention: true,
    // Production hides internals: no stack traces in errors.
    includeStacktraceInErrorResponses: !production,
    plugins: [
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
      res.json({ status: 'ok', database });
    } catch (error) {
      res.status(503).json({ status: 'unavailable', database, error: (error as Error).message });
    }
  });
  app.use(
    '/graphql',
    express.json({ limit: '5mb' }),
    expressMiddleware(apollo, {
      context: async ({ req }): Promise<Context> => {
        const em = orm.em.fork() as Context['em'];
        return {
          em,
          caller: await resolveCaller(em, config.jwtSecret, req.headers.authorization),
          clientAddress: req.socket.remoteAddress ?? null,
          config,
          loaders: createLoaders(em),
        };
      },
    }),
  );
  if (existsSync(join(clientDir, 'index.html'))) {
    app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
    // The dashboard routes in the browser: every other GET gets the app shell.
    app.get(/^\/(?!graphql|health).*/, (_req, res) => res.sendFile(join(clientDir, 'index.html')));
  }

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    httpServer,
    pubSub,
    async stop() {
      await apollo.stop();
      wsServer.close();
    },
  };
}
