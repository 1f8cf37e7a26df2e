import { GraphQLError } from 'graphql';

/**
 * Stable error codes clients can branch on. Messages say what was wrong and where;
 * `extensions.field` names the input path.
 */
export function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, { extensions: { code: 'BAD_USER_INPUT', field } });
}

export function notFound(what: string, id: string): GraphQLError {
  return new GraphQLError(`${what} ${id} was not found`, { extensions: { code: 'NOT_FOUND' } });
}

export function unauthenticated(message = 'Sign in first: send Authorization: Bearer <token>'): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED' } });
}

export function forbidden(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'FORBIDDEN' } });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else is a client mistake, said as such rather than as a database error. */
export function checkId(field: string, id: string): string {
  if (!UUID.test(id)) throw badInput(field, `is not a valid id (got ${JSON.stringify(id.slice(0, 60))})`);
  return id.toLowerCase();
}
