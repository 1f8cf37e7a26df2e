import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';

/** Codes of errors a client caused: they keep their message. */
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
  'PAYLOAD_TOO_LARGE',
  'TOO_MANY_REQUESTS',
  'RATE_LIMITED',
  // The client went away mid-operation (graphql/instrument.ts): nobody receives it, nothing to log.
  'OPERATION_ABORTED',
]);

/** An error message echoes what the client sent (a 1 MB value, say); it need not echo all of it. */
const MAX_MESSAGE = 1000;

/**
 * The one error formatter, for HTTP and graphql-ws alike. Errors a client caused keep their
 * message (shortened, and in production without "Did you mean …?" suggestions, which map
 * a schema whose introspection is off); anything else (a database error, a bug) is logged
 * here with a reference and reaches the client only as that reference — never SQL, table
 * names or stack traces.
 */
export function createFormatError(production: boolean) {
  return function formatError(formatted: GraphQLFormattedError, original?: unknown): GraphQLFormattedError {
    let code = String(formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
    // Variables that do not fit their declared types are the client's mistake, named with their path.
    // (graphql-js words these errors "Variable "$name" got invalid value …"; Apollo leaves them uncoded.)
    if (code === 'INTERNAL_SERVER_ERROR' && formatted.message.startsWith('Variable "$')) code = 'BAD_USER_INPUT';
    if (EXPECTED.has(code)) {
      const { stacktrace: _stack, http: _http, ...extensions } = formatted.extensions ?? {};
      let message = production ? formatted.message.replace(/\s*Did you mean [^?]*\?/g, '') : formatted.message;
      if (message.length > MAX_MESSAGE) message = `${message.slice(0, MAX_MESSAGE)}…`;
      return { ...formatted, message, extensions: { ...extensions, code } };
    }
    const reference = randomUUID().slice(0, 8);
    const cause = (original as { originalError?: { stack?: string } } | undefined)?.originalError?.stack;
    console.error(`[vigil] internal error ${reference}:`, formatted.message, cause ?? formatted.extensions?.stacktrace ?? '');
    return {
      message: `Internal server error (reference ${reference})`,
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR', reference },
    };
  };
}
