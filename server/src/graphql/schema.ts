import 'reflect-metadata';
import { type GraphQLSchema, lexicographicSortSchema, printSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { AnalyticsResolver } from '../analytics/analytics.resolver.js';
import { CoverageResolver, CoverageTotalsResolver } from '../analytics/coverage.resolver.js';
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
import { instrument } from './instrument.js';
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
  instrument(schema);
  return schema;
}

/** The SDL committed to schema/schema.graphql: sorted, so diffs show real changes only. */
export async function printSdl(): Promise<string> {
  return `${printSchema(lexicographicSortSchema(await createSchema()))}\n`;
}
