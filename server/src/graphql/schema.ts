import 'reflect-metadata';
import { defaultFieldResolver, type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AnalyticsResolver } from '../analytics/analytics.resolver.js';
import { CoverageResolver, CoverageTotalsResolver } from '../analytics/coverage.resolver.js';
import { auditMutations } from '../audit/audit.middleware.js';
import { AuditResolver } from '../audit/audit.resolver.js';
import { AuthResolver } from '../auth/auth.resolver.js';
import { authChecker } from '../auth/auth-checker.js';
import { DeviceTokenResolver } from '../auth/device-token.resolver.js';
import { UsersResolver } from '../auth/users.resolver.js';
import { IncidentResolver } from '../incidents/incident.resolver.js';
import { LiveResolver } from '../live/live.resolver.js';
import { MapDataResolver } from '../mapdata/mapdata.resolver.js';
import { OperationResolver } from '../operations/operation.resolver.js';
import { IngestResolver } from '../patrols/ingest.resolver.js';
import { PatrolUnitResolver, VisitResolver } from '../patrols/patrol.resolver.js';
import { PlaceResolver } from '../places/place.resolver.js';
import { PatrolPlanResolver, UnitPlanResolver } from '../plans/plan.resolver.js';
import { VisitRequestResolver } from '../requests/visit-request.resolver.js';
import { AppConfigResolver } from '../shared/app-config.resolver.js';
import { SiteResolver } from '../sites/site.resolver.js';
import { ZoneResolver } from '../zones/zone.resolver.js';
import { createLocalPubSub, type PubSub } from './pubsub.js';
import { DateTimeScalar } from './scalars.js';
import { validateInput } from './validation.js';

export const resolvers = [
  AuthResolver,
  AppConfigResolver,
  SiteResolver,
  IncidentResolver,
  PatrolUnitResolver,
  VisitResolver,
  ZoneResolver,
  OperationResolver,
  VisitRequestResolver,
  AnalyticsResolver,
  CoverageResolver,
  CoverageTotalsResolver,
  UsersResolver,
  AuditResolver,
  IngestResolver,
  DeviceTokenResolver,
  LiveResolver,
  MapDataResolver,
  PlaceResolver,
  PatrolPlanResolver,
  UnitPlanResolver,
] as const;

export async function createSchema(pubSub?: PubSub): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers,
    authChecker,
    // Anonymous callers get UNAUTHENTICATED, signed-in callers without the role FORBIDDEN.
    authMode: 'error',
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    // class-validator rules on inputs, reported as BAD_USER_INPUT with the field path.
    validateFn: validateInput,
    // Every subscription brings its own `subscribe` (through context.pubSub), but
    // type-graphql wants one here as soon as there are subscriptions; the SDL gets a stub.
    pubSub: pubSub ?? createLocalPubSub(),
  });
  // type-graphql cannot describe the root types; say what each is for.
  const roots = [
    [schema.getQueryType(), 'Reads: sites, incidents, patrols, zones, analytics. Every field needs a signed-in caller.'],
    [schema.getMutationType(), 'Changes. Every one is audited, and needs the role its description names.'],
    [schema.getSubscriptionType(), 'Live events over graphql-ws, authorised when the socket connects.'],
  ] as const;
  for (const [type, description] of roots) if (type) type.description = description;
  auditEveryMutation(schema);
  return schema;
}

/**
 * Wraps each Mutation field in the audit middleware. Not as a type-graphql global
 * middleware: that wraps every field of every type, so each field of each object resolves
 * through a promise, and a list of 500 positions costs thousands of them (measured: a live
 * position event took about twice as long to deliver). Wrapped around type-graphql's own
 * resolver, the audit line also covers callers refused by role.
 */
function auditEveryMutation(schema: GraphQLSchema): void {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (root, args, context, info) =>
      auditMutations({ root, args, context, info }, async () => resolve(root, args, context, info));
  }
}

/** The SDL committed to schema/schema.graphql: sorted, so diffs show real changes only. */
export async function printSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await createSchema()))}\n`;
}
