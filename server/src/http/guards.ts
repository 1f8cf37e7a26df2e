import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { RateLimiterMemory } from 'rate-limiter-flexible';

// The CommonJS build on purpose: its ES module build imports graphql's .mjs files, a second
// copy of graphql that cannot read a schema built by the first ("another module or realm").
const { fieldExtensionsEstimator, getComplexity, simpleEstimator } = createRequire(import.meta.url)(
  'graphql-query-complexity',
) as typeof import('graphql-query-complexity');

/**
 * Limits checked before anything executes: a query too deep, too wide, too long or too
 * costly is refused at validation, so no resolver (and no SQL) runs for it.
 */
export const LIMITS = {
  /** Deepest legitimate query (a site's visits' unit's call sign) is 4 levels. */
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 10_000,
  maxDirectives: 20,
  /** Cost: one per field, multiplied by `first` (or 100) on paginated fields. */
  maxCost: 25_000,
  /** Requests per minute per caller (token) or, for anonymous callers, per address. */
  requestsPerMinute: 1200,
} as const;

/** A paginated field costs its page size times what each item costs. */
const connectionEstimator: ComplexityEstimator = ({ args, childComplexity }) => {
  if (typeof args.first === 'number') return 1 + args.first * Math.max(1, childComplexity);
  if ('first' in args || 'after' in args) return 1 + 100 * Math.max(1, childComplexity);
  return undefined;
};

/**
 * The variables as the cost estimate needs them: lists emptied. getComplexity coerces every
 * variable again (execution coerces them once more), and no estimator here reads what a list
 * holds, only numbers such as `first`; a batch of 1,000 fixes or 5,000 incidents coerced for
 * nothing was a tenth of the CPU of an ingest batch (tests/bench). An empty list fits any
 * list type, so this refuses nothing that was allowed; bad items are still refused, by
 * execution's own coercion.
 */
function withoutListItems(variables: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, Array.isArray(value) ? [] : value]));
}

export function validationLimits(schema: GraphQLSchema, production: boolean) {
  const armor = new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth },
    maxAliases: { n: LIMITS.maxAliases },
    maxTokens: { n: LIMITS.maxTokens },
    maxDirectives: { n: LIMITS.maxDirectives },
    // Cost is estimated below with page sizes taken into account.
    costLimit: { enabled: false },
    // Field suggestions ("did you mean …") map a hidden schema; off in production.
    blockFieldSuggestion: { enabled: production },
  }).protect();

  const cost: ApolloServerPlugin = {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }) {
          const complexity = getComplexity({
            schema,
            query: document,
            variables: withoutListItems(request.variables ?? {}),
            operationName: request.operationName ?? undefined,
            estimators: [connectionEstimator, fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
          });
          if (complexity > LIMITS.maxCost) {
            throw new GraphQLError(
              `Query is too costly: ${complexity} points, the limit is ${LIMITS.maxCost}; ask for smaller pages or fewer fields`,
              {
                extensions: { code: 'QUERY_TOO_COSTLY', http: { status: 400 } },
              },
            );
          }
        },
      };
    },
  };
  return { plugins: [...armor.plugins, cost], validationRules: armor.validationRules };
}

/** Per-process request budget. A second instance has its own; a proxy in front can add a shared one. */
export function rateLimit(): RequestHandler {
  const limiter = new RateLimiterMemory({ points: LIMITS.requestsPerMinute, duration: 60 });
  return async (req, res, next) => {
    const key = req.headers.authorization ?? `ip:${req.socket.remoteAddress ?? 'unknown'}`;
    try {
      await limiter.consume(key);
      next();
    } catch (rejection) {
      const seconds = Math.ceil(((rejection as { msBeforeNext?: number }).msBeforeNext ?? 60_000) / 1000);
      res.setHeader('Retry-After', String(seconds));
      res.status(429).json({
        errors: [
          {
            message: `Too many requests: at most ${LIMITS.requestsPerMinute} a minute; try again in ${seconds} s`,
            extensions: { code: 'RATE_LIMITED' },
          },
        ],
      });
    }
  };
}

const EXPECTED = new Set([
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'QUERY_TOO_COSTLY',
  'TOO_MANY_REQUESTS',
  'RATE_LIMITED',
]);

/**
 * Errors a client caused keep their message; anything else (a database error, a bug) is
 * logged here with a reference and reaches the client only as that reference — never
 * SQL, table names or stack traces.
 */
export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  let code = String(formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  // Variables that do not fit their declared types are the client's mistake, named with their path.
  // (graphql-js words these errors "Variable "$name" got invalid value …"; Apollo leaves them uncoded.)
  if (code === 'INTERNAL_SERVER_ERROR' && formatted.message.startsWith('Variable "$')) {
    code = 'BAD_USER_INPUT';
    formatted = { ...formatted, extensions: { ...formatted.extensions, code } };
  }
  if (EXPECTED.has(code)) {
    const { stacktrace: _stack, ...extensions } = formatted.extensions ?? {};
    return { ...formatted, extensions };
  }
  const reference = randomUUID().slice(0, 8);
  console.error(`[vigil] internal error ${reference}:`, formatted.message, formatted.extensions?.stacktrace ?? '');
  return {
    message: `Internal server error (reference ${reference})`,
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR', reference },
  };
}

/** A body too large or not JSON gets a GraphQL-shaped error with a stable code, not an HTML page. */
export const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, next) => {
  if (error.type === 'entity.too.large') {
    res.status(413).json({ errors: [{ message: 'Request body is larger than 2 MB', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  } else if (error.type === 'entity.parse.failed') {
    res.status(400).json({ errors: [{ message: 'Request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
  } else {
    next(error);
  }
};
