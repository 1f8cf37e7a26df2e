import { createRequire } from 'node:module';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isLeafType,
  isListType,
} from 'graphql';
import type { ComplexityEstimator } from 'graphql-query-complexity';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './connection.js';

// The CommonJS build on purpose: its ES module build imports graphql's .mjs files, a second
// copy of graphql that cannot read a schema built by the first ("another module or realm").
const { getComplexity } = createRequire(import.meta.url)('graphql-query-complexity') as typeof import('graphql-query-complexity');

/**
 * The cost of an operation is the number of objects its answer can hold: each object
 * counts 1, and a list counts its items at the most it can hold — its page size (`first`,
 * or the default page) when it is paged, its cap when it is not. Leaf values are free:
 * their number per object is fixed by the type (and aliases are capped), so the objects
 * bound the answer. A list nested in a list multiplies, which is what makes an
 * amplification query (visits of the site of each visit of each of 500 sites…) cost
 * millions and be refused before anything runs.
 *
 * 100,000 admits the largest legitimate answers — a hot-spot map at its 60,000-cell cap,
 * a page of 500 sites with their coverage and last visits (2,500) — and not two maps at
 * once, nor one level of visits inside a page of sites. Analyses weigh more than their
 * answers (WORK_COSTS).
 */
export const MAX_COST = 100_000;

/** Lists that are not paged, at the most they hold; the same numbers cap them when they run (instrument.ts). */
export const LIST_CAPS: Record<string, number> = {
  // Every hot-spot map is capped at 60,000 cells (analytics/hotspot.service.ts, MAX_CELLS).
  'HotspotResult.cells': 60_000,
  // Only the 95 % and 99 % hot cells of a 250 m grid: 10,000 of them is a hot spot the size of a city.
  'CoverageReport.hotspotCells': 10_000,
  // A borough command lists hundreds of sites and zones, a few hundred units.
  'CoverageReport.sites': 5000,
  'ZonePreview.sites': 5000,
  'Query.overdueSites': 5000,
  'CoverageReport.zones': 2000,
  'Query.zones': 2000,
  'Query.patrolUnits': 5000,
  // A ward's team has a handful of units; 40 keeps 2,000 zones with their units at 82,000.
  'PatrolZone.units': 40,
  'Query.visitRequests': 5000,
  'Query.users': 1000,
  'Query.operations': 1000,
  'Query.crimeCategories': 100,
  // Two windows of at most 365 days each (incidentTrend's days), and the communities.
  'IncidentTrend.daily': 730,
  'IncidentTrend.byCommunity': 100,
  // At most one per fix of a batch (patrols/fix-checks.ts MAX_BATCH, live/live.service.ts FIXES_PER_EVENT).
  'IngestResult.rejected': 1000,
  'UnitPositionsEvent.positions': 1000,
  // patrols/patrol.service.ts: MAX_TRACE_POINTS, MAX_TRACE_VISITS.
  'PatrolTrace.points': 5000,
  'PatrolTrace.visits': 1000,
  // Patrol plans (plans/rules.ts): at most 20 units a plan, shifts of at most 24 hours with
  // stops of at least 10 minutes (144 a unit); the current plans of a hundred units at once.
  'PatrolPlan.units': 20,
  'UnitPlan.stops': 150,
  'PlanProgress.stops': 150,
  'PatrolPlan.stops': 3000,
  'PatrolPlan.unplanned': 10_000,
  'PlanMethod.speeds': 10,
  'Query.patrolPlans': 100,
};

/** A list of objects nobody has capped yet (a new field): counted, and capped when it runs, at this. */
export const DEFAULT_LIST_CAP = 1000;

/** Leaf values that hold lists of their own, at what they may hold. */
export const LEAF_COSTS: Record<string, number> = {
  // The CSV export: one row per event, up to its cap (audit/audit.resolver.ts).
  'Query.auditEventsCsv': 50_000,
  // A trace's line holds up to MAX_TRACE_POINTS vertices.
  'PatrolTrace.line': 5000,
};

/**
 * Fields that run an analysis cost what a large answer would, on top of their objects: a
 * hot-spot map, a coverage report or a what-if is seconds of set-based SQL whatever it
 * returns, and thirty aliases of one small-looking `coverage { totals { sites } }` were
 * thirty of them in one request. These weights allow a few per request, not dozens.
 */
export const WORK_COSTS: Record<string, number> = {
  'Query.hotspots': 10_000,
  'Query.hotspotAccuracy': 25_000,
  'Query.coverage': 20_000,
  'Query.previewZone': 20_000,
  'Query.incidentTrend': 10_000,
  'Query.crimeCategories': 5000,
  // The plan solver searches routes for up to 20 units over a shift.
  'Query.patrolPlan': 20_000,
  'Mutation.savePatrolPlan': 20_000,
};

/** Whether a field is a page: it takes `first`. Its items are multiplied there; its edges and nodes are that page. */
export const isPaged = (field: GraphQLField<unknown, unknown>) => field.args.some((a) => a.name === 'first');
const isPageOfParent = (parent: GraphQLObjectType) => 'pageInfo' in parent.getFields();

/** The most items a list field of an object type can hold, or null when it is not a list of objects (or is a page). */
export function listCap(parent: GraphQLObjectType, field: GraphQLField<unknown, unknown>): number | null {
  if (!isListType(getNullableType(field.type)) || isLeafType(getNamedType(field.type))) return null;
  if (isPaged(field) || isPageOfParent(parent)) return null;
  return LIST_CAPS[`${parent.name}.${field.name}`] ?? DEFAULT_LIST_CAP;
}

const objectsEstimator: ComplexityEstimator = (options) => {
  const key = `${options.type.name}.${options.field.name}`;
  return (WORK_COSTS[key] ?? 0) + objects(options);
};

function objects({ type, field, args, childComplexity }: Parameters<ComplexityEstimator>[0]): number {
  const key = `${type.name}.${field.name}`;
  if (isLeafType(getNamedType(field.type))) return LEAF_COSTS[key] ?? 0;
  if (isPaged(field)) {
    // A page never holds more than MAX_PAGE_SIZE: a larger `first` is refused when it runs, naming it.
    const first = typeof args.first === 'number' ? Math.min(Math.max(args.first, 1), MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
    // A connection's own object, then `first` items (or a paged list of `first` objects).
    return 1 + first * Math.max(1, childComplexity);
  }
  const cap = listCap(type as GraphQLObjectType, field);
  if (cap !== null) return cap * (1 + childComplexity);
  return 1 + childComplexity;
}

/**
 * Costs already estimated, per parsed document (Apollo hands the same document for the
 * same query text) and per values of its scalar variables. The estimate reads a field's
 * arguments only for `first` (an Int), and directives' `if` (a Boolean): never an input
 * object or a list, so variables holding those (a filter, a box, a batch of fixes) do not
 * change it. A dashboard sending one query with a new box each time is costed once.
 */
const estimated = new WeakMap<DocumentNode, Map<string, number>>();
/** Distinct scalar values kept per document: a client paging through `first` values is not a reason to grow. */
const ESTIMATES_PER_DOCUMENT = 64;

/** The objects the answer to an operation can hold (see MAX_COST). Variables must be valid. */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown>,
  operationName?: string | null,
) {
  const scalars = Object.keys(variables)
    .filter((name) => variables[name] === null || typeof variables[name] !== 'object')
    .sort()
    .map((name) => [name, variables[name]]);
  const key = JSON.stringify([operationName ?? null, scalars]);
  let costs = estimated.get(document);
  const known = costs?.get(key);
  if (known !== undefined) return known;
  const cost = getComplexity({
    schema,
    query: document,
    variables,
    operationName: operationName ?? undefined,
    estimators: [objectsEstimator],
  });
  if (!costs) {
    costs = new Map();
    estimated.set(document, costs);
  }
  if (costs.size < ESTIMATES_PER_DOCUMENT) costs.set(key, cost);
  return cost;
}

/** Refuses an operation whose answer could hold more than MAX_COST objects. */
export function checkCost(cost: number): void {
  if (cost > MAX_COST) {
    throw new GraphQLError(
      `Query is too costly: its answer could hold ${cost.toLocaleString('en-GB')} objects (points), the limit is ${MAX_COST.toLocaleString('en-GB')}; ask for smaller pages, fewer nested lists or fewer aliases`,
      { extensions: { code: 'QUERY_TOO_COSTLY', http: { status: 400 } } },
    );
  }
}
