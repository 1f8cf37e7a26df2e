import type { Server } from 'node:http';
import {
  type DocumentNode,
  type ExecutionResult,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { WebSocket } from 'ws';
import { WebSocketServer } from 'ws';
import { recordAudit } from '../audit/audit.service.js';
import { Role } from '../auth/role.js';
import { RequestBudget } from '../graphql/budget.js';
import { buildContext, type Context, type ContextServices } from '../graphql/context.js';
import type { Pipeline } from '../graphql/pipeline.js';
import { MAX_BODY_BYTES } from './guards.js';
import type { SocketSessions } from './socket-sessions.js';

/** Close code for a socket refused because its budget is spent: not 4401/4403, so the dashboard retries rather than signing out. */
const TOO_MANY_REQUESTS_CLOSE = 4429;
/**
 * Each live feed holds a buffer of up to 512 events on the server. A dashboard opens one
 * socket per tab with four feeds on it; these bounds keep what one account can hold
 * open — however fast its budget lets it subscribe — to a few hundred feeds.
 */
export const MAX_SOCKETS_PER_ACCOUNT = 20;
export const MAX_FEEDS_PER_SOCKET = 20;

interface Running {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  context: Context;
  controller: AbortController;
}

type SocketState = {
  socket: WebSocket;
  request: { socket: { remoteAddress?: string } };
  authorization?: string;
  running?: Map<string, Running>;
};

const coded = (error: unknown, code: string) =>
  new GraphQLError(error instanceof Error ? error.message : String(error), { extensions: { code } });

/**
 * GraphQL over WebSocket (graphql-ws) on the HTTP server's /graphql path, through the same
 * pipeline as HTTP: the socket is authorised when it connects (no valid token, or a
 * device's, no socket), and then each operation sent on it gets its own context (its
 * token checked again, one operation taken from the caller's budget), the same parse
 * limit and validation rules, the same checks before it runs — the socket carries
 * subscriptions only — the same error formatting and masking, and the same audit of the
 * sites each event carries. A subscription stops, with every field still to resolve for
 * it, when it completes or its socket closes.
 */
export function startSocketServer({
  httpServer,
  schema,
  pipeline,
  services,
  sockets,
}: {
  httpServer: Server;
  schema: GraphQLSchema;
  pipeline: Pipeline;
  services: ContextServices;
  sockets: SocketSessions;
}) {
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql', maxPayload: MAX_BODY_BYTES });
  let live = 0;
  const stop = (state: SocketState, id: string) => {
    const running = state.running?.get(id);
    if (!running) return;
    state.running?.delete(id);
    running.controller.abort();
    live--;
  };

  const cleanup = useServer<Record<string, unknown>, SocketState>(
    {
      schema,
      // Close reasons never carry an error's text.
      isProd: true,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header =
          typeof params.authorization === 'string'
            ? params.authorization
            : typeof params.Authorization === 'string'
              ? params.Authorization
              : null;
        const clientAddress = ctx.extra.request.socket.remoteAddress ?? null;
        const em = services.orm.em.fork() as Context['em'];
        let verified: Awaited<ReturnType<typeof services.callers.resolve>> = null;
        try {
          verified = await services.callers.resolve(em, header);
        } catch (error) {
          if (!(error instanceof GraphQLError)) {
            console.error('[vigil] socket: could not check a token:', error);
            return false;
          }
        }
        try {
          await services.budget.consume(RequestBudget.key(verified?.caller.userId ?? null, clientAddress));
        } catch {
          ctx.extra.socket.close(TOO_MANY_REQUESTS_CLOSE, 'Too many requests: try again in a minute');
          return false;
        }
        // Devices only send positions (over HTTP): they may not watch anything.
        if (!verified || !header || verified.caller.role === Role.DEVICE) {
          if (header) {
            // A token presented and refused is a failed sign-in to the live feed: audited.
            await recordAudit(em, { caller: verified?.caller ?? null, operation: 'connect', outcome: 'DENIED', clientAddress }).catch((e) =>
              console.error('[vigil] socket: audit failed:', e),
            );
          }
          return false;
        }
        if (sockets.countFor(verified.caller.userId) >= MAX_SOCKETS_PER_ACCOUNT) {
          ctx.extra.socket.close(TOO_MANY_REQUESTS_CLOSE, `At most ${MAX_SOCKETS_PER_ACCOUNT} live connections per account`);
          return false;
        }
        ctx.extra.authorization = header;
        ctx.extra.running = new Map();
        // Closed when the token expires or is revoked, not only when the client leaves.
        sockets.open(verified.caller.userId, ctx.extra.socket, header, verified.expiresAt);
        return true;
      },

      onSubscribe: async (ctx, id, payload) => {
        const state = ctx.extra;
        const controller = new AbortController();
        try {
          const context = await buildContext(services, {
            authorization: state.authorization,
            clientAddress: state.request.socket.remoteAddress ?? null,
            signal: controller.signal,
          });
          let document: DocumentNode;
          try {
            document = parse(payload.query, pipeline.parseOptions);
          } catch (error) {
            return [coded(error, 'GRAPHQL_PARSE_FAILED')];
          }
          const invalid = validate(schema, document, [...specifiedRules, ...pipeline.validationRules]);
          if (invalid.length > 0) return invalid.map((e) => coded(e, 'GRAPHQL_VALIDATION_FAILED'));
          const operation = getOperationAST(document, payload.operationName);
          if (!operation) return [coded('Name the operation to run (operationName)', 'BAD_REQUEST')];
          if ((state.running?.size ?? 0) >= MAX_FEEDS_PER_SOCKET)
            return [
              new GraphQLError(`At most ${MAX_FEEDS_PER_SOCKET} live feeds on one socket: complete one first`, {
                extensions: { code: 'TOO_MANY_REQUESTS' },
              }),
            ];
          const variables = payload.variables ?? {};
          if (typeof variables !== 'object' || Array.isArray(variables)) return [coded('Variables must be an object', 'BAD_REQUEST')];
          await pipeline.beforeExecution({ document, operation, variables, context, transport: 'graphql-ws' });
          state.running?.set(id, { document, operation, context, controller });
          live++;
          return { schema, document, operationName: payload.operationName, variableValues: variables, contextValue: context };
        } catch (error) {
          controller.abort();
          return [error instanceof GraphQLError ? error : new GraphQLError('Internal error', { originalError: error as Error })];
        }
      },

      onNext: async (ctx, id, _payload, _args, result: ExecutionResult) => {
        const running = ctx.extra.running?.get(id);
        try {
          if (running) await pipeline.afterExecution(running);
        } catch (error) {
          // No event leaves unaudited.
          return { errors: [pipeline.formatError(new GraphQLError('audit failed', { originalError: error as Error }).toJSON())] };
        }
        return { ...result, ...(result.errors ? { errors: result.errors.map((e) => pipeline.formatError(e.toJSON(), e)) } : {}) };
      },

      onError: (_ctx, _id, _payload, errors) => errors.map((e) => pipeline.formatError(e.toJSON(), e)),

      onComplete: (ctx, id) => stop(ctx.extra, id),

      onClose: (ctx) => {
        for (const id of [...(ctx.extra.running?.keys() ?? [])]) stop(ctx.extra, id);
      },
    },
    wsServer,
  );

  return {
    /** Subscriptions running now, on every socket of this server. */
    liveOperations: () => live,
    async dispose() {
      await cleanup.dispose();
    },
    close() {
      wsServer.close();
    },
  };
}
