import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { type DocumentNode, type GraphQLFormattedError, print } from 'graphql';

/** Same origin: the server serves the dashboard and the API on one port (Vite proxies it in development). */
export const GRAPHQL_PATH = '/graphql';

/** A request that reached the server and came back with GraphQL errors (or no data). */
export class GraphQLRequestError extends Error {
  constructor(
    message: string,
    readonly errors: readonly GraphQLFormattedError[],
    readonly status: number,
  ) {
    super(message);
    this.name = 'GraphQLRequestError';
  }

  /** The server's error code of the first error, such as UNAUTHENTICATED, FORBIDDEN or BAD_USER_INPUT. */
  get code(): string | undefined {
    const code = this.errors[0]?.extensions?.code;
    return typeof code === 'string' ? code : undefined;
  }

  /** True when the token is missing, wrong, expired or revoked, or the credentials were wrong. */
  get unauthenticated(): boolean {
    return this.errors.some((e) => e.extensions?.code === 'UNAUTHENTICATED');
  }
}

/** The server could not be reached or answered with something that is not GraphQL. */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

export interface ExecuteOptions {
  /** Bearer token of the signed-in user; omitted for `login`. */
  token?: string | null;
  signal?: AbortSignal;
}

// Documents are module constants, so each is printed once.
const printed = new WeakMap<DocumentNode, string>();
function queryText(document: DocumentNode): string {
  let text = printed.get(document);
  if (text === undefined) {
    text = print(document);
    printed.set(document, text);
  }
  return text;
}

export function operationName(document: DocumentNode): string | undefined {
  for (const definition of document.definitions) {
    if (definition.kind === 'OperationDefinition') return definition.name?.value;
  }
  return undefined;
}

interface GraphQLResponse<TData> {
  data?: TData | null;
  errors?: GraphQLFormattedError[];
}

/**
 * Runs one typed operation over HTTP POST and returns its typed `data`.
 * The response type comes from the generated document, never from a hand-written interface.
 */
export async function execute<TData, TVariables>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables | undefined,
  { token, signal }: ExecuteOptions = {},
): Promise<TData> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    // Apollo's CSRF prevention rejects "simple" requests; this header makes every request preflighted.
    'apollo-require-preflight': 'true',
  };
  if (token) headers.authorization = `Bearer ${token}`;

  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: queryText(document), operationName: operationName(document), variables: variables ?? {} }),
      signal,
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new NetworkError('Cannot reach the Vigil server. Check that it is running and try again.');
  }

  let body: GraphQLResponse<TData>;
  try {
    body = (await response.json()) as GraphQLResponse<TData>;
  } catch {
    throw new NetworkError(`The Vigil server answered ${response.status} ${response.statusText} without a GraphQL response.`);
  }

  // A 401 from a bad token still carries a GraphQL body with the error code, so read it first.
  if (body.errors && body.errors.length > 0) {
    throw new GraphQLRequestError(body.errors[0]?.message ?? 'The request failed', body.errors, response.status);
  }
  if (body.data == null) {
    throw new GraphQLRequestError(`The server answered ${response.status} with no data`, [], response.status);
  }
  return body.data;
}

/** A message fit to show a user for any error `execute` throws. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return 'Something went wrong';
}
