import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { auditMutations } from '../audit/audit.middleware.js';
import { AuthResolver } from '../auth/auth.resolver.js';
import { authChecker } from '../auth/auth-checker.js';
import { AppConfigResolver } from '../shared/app-config.resolver.js';
import { ZoneResolver } from '../zones/zone.resolver.js';
import type { PubSub } from './pubsub.js';
import { DateTimeScalar } from './scalars.js';

export const resolvers = [AuthResolver, AppConfigResolver, ZoneResolver] as const;

export async function createSchema(pubSub?: PubSub): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers,
    authChecker,
    // Anonymous callers get UNAUTHENTICATED, signed-in callers without the role FORBIDDEN.
    authMode: 'error',
    globalMiddlewares: [auditMutations],
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    validate: false,
    ...(pubSub ? { pubSub } : {}),
  });
}

/** The SDL committed to schema/schema.graphql: sorted, so diffs show real changes only. */
export async function printSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await createSchema()))}\n`;
}
