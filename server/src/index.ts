/** What tests, seeds and benchmarks use from the server, without going through HTTP. */

export { AuditEvent } from './audit/audit-event.entity.js';
export { DEVICE_TOKEN_TTL_DAYS, issueDeviceToken, revokeDeviceTokens } from './auth/device-tokens.service.js';
export { hashPassword } from './auth/passwords.js';
export { Role } from './auth/role.js';
export { issueToken } from './auth/tokens.js';
export { User } from './auth/user.entity.js';
export { upsertUser } from './auth/users.service.js';
export { type Config, ConfigError, loadConfig, repoRoot } from './config.js';
export { type Database, openDatabase } from './db/database.js';
export { EMBEDDED_EXTENSIONS, startEmbeddedDatabase } from './db/embedded.js';
export { entities } from './db/entities.js';
export * from './db/geometry.js';
export { migrate, type Orm, openOrm } from './db/orm.js';
export { keepExchangesWhole } from './db/socket-queue.js';
export { geoJson, identifier, METRIC_SRID, numbers, query, queryOne, Sql, sql } from './db/sql.js';
export { type LiveSimulator, startLiveSimulator } from './demo/live.js';
export { type SeedOptions, type SeedSummary, seedDemo } from './demo/seed.js';
export { addressKey } from './graphql/budget.js';
export { PubSub } from './graphql/pubsub.js';
export { DateTimeScalar } from './graphql/scalars.js';
export { printSdl } from './graphql/schema.js';
export { type ServerOptions, startServer, type VigilServer } from './http/server.js';
export { exportSites, exportZones, importSitesGeoJson, importZonesGeoJson } from './imports/places.js';
export { ImportError, importPoliceUkCsv } from './imports/police-uk.js';
export { importStreets } from './imports/streets.js';
export type { ImportSummary, SkipReport } from './imports/summary.js';
export { importGpx, importPositionsGeoJson } from './imports/tracks.js';
export { CATEGORY_SLUGS, CRIME_CATEGORIES, categoryFromLabel } from './incidents/categories.js';
export { civilTwilight, DARKNESS_ALGORITHM, darknessOf, reclassifyDarkness } from './incidents/darkness.js';
export { Darkness, HateCrimeFlag, Incident, TimePrecision } from './incidents/incident.entity.js';
export { DarknessFilter } from './incidents/incident.inputs.js';
export { COUNT_BOUND, incidentNodesSql, incidentPageSql } from './incidents/incident.service.js';
export { FilterArea, type FilterValues } from './incidents/incident-filter.js';
export { publishIngest } from './live/live.service.js';
export type { LiveMessages } from './live/messages.js';
export { LISTEN_APPLICATION_NAME, LIVE_CHANNEL } from './live/notify-transport.js';
export { Operation } from './operations/operation.entity.js';
export { Activity, ActivityKind } from './patrols/activity.entity.js';
export { FixRejection, MAX_BATCH, MAX_FUTURE_MS, MAX_SPEED_MPS } from './patrols/fix-checks.js';
export { PatrolUnit, UnitKind } from './patrols/patrol-unit.entity.js';
export { Position } from './patrols/position.entity.js';
export {
  detectVisits,
  type Fix,
  type IngestOutcome,
  ingestPositions,
  storePositions,
  type VisitChange,
  type VisitRules,
} from './patrols/positions.service.js';
export { purgePositions } from './patrols/retention.service.js';
export { Visit } from './patrols/visit.entity.js';
export { nearestNeighbourPlan } from './plans/baseline.js';
export { lowerBoundMetres } from './plans/lower-bound.js';
export { previewPlan } from './plans/plan.service.js';
export { routeMetres, schedule, solve } from './plans/solver.js';
export { VisitRequest, VisitRequestStatus } from './requests/visit-request.entity.js';
export { RiskLevel, Site, SiteKind } from './sites/site.entity.js';
export { PatrolZone } from './zones/patrol-zone.entity.js';
