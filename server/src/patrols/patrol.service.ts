import type { EntityManager } from '@mikro-orm/postgresql';
import type { LineString } from '../db/geometry.js';
import { query, sql } from '../db/sql.js';
import { badInput, checkId, notFound } from '../graphql/errors.js';
import { checkWindow, sevenDecimals } from '../shared/geometry-validation.js';
import { PatrolUnit } from './patrol-unit.entity.js';
import { Visit } from './visit.entity.js';

/** A trace spans at most a week: longer windows belong to the analytics, not to a line on a map. */
export const MAX_TRACE_DAYS = 7;
/** Fixes returned for replay, and vertices of the line; longer traces are thinned evenly (the distance counts every fix). */
export const MAX_TRACE_POINTS = 5000;
/** Visits in one trace: a unit at a site every few minutes for a week is under a thousand. */
export const MAX_TRACE_VISITS = 1000;

export interface TracePoint {
  recordedAt: Date;
  longitude: number;
  latitude: number;
}

export interface Trace {
  unit: PatrolUnit;
  from: Date;
  to: Date;
  line: LineString | null;
  fixCount: number;
  distanceMetres: number;
  points: TracePoint[];
  visits: Visit[];
}

/** A unit's positions over a window as one line (built in PostGIS), its fixes for replay, and its visits. */
export async function patrolTrace(em: EntityManager, unitId: string, from: Date, to: Date): Promise<Trace> {
  checkWindow(from, to);
  if (to.getTime() - from.getTime() > MAX_TRACE_DAYS * 24 * 3600 * 1000)
    throw badInput('to', `a trace spans at most ${MAX_TRACE_DAYS} days`);
  const unit = await em.findOne(PatrolUnit, { id: checkId('unitId', unitId) });
  if (!unit) throw notFound('Patrol unit', unitId);
  const [summary] = await query<{ fixes: string; metres: number | null }>(
    em,
    sql`select count(*) as fixes, ST_Length(ST_MakeLine(location order by recorded_at)::geography) as metres
     from positions where unit_id = ${unit.id} and recorded_at >= ${from} and recorded_at < ${to}`,
  );
  const fixCount = Number(summary?.fixes ?? 0);
  const step = Math.max(1, Math.ceil(fixCount / MAX_TRACE_POINTS));
  const points = await query<{ recorded_at: Date; lon: number; lat: number }>(
    em,
    sql`select recorded_at, lon, lat from (
       select recorded_at, ST_X(location) as lon, ST_Y(location) as lat, row_number() over (order by recorded_at) - 1 as n
       from positions where unit_id = ${unit.id} and recorded_at >= ${from} and recorded_at < ${to}
     ) p where n % ${step}::int = 0 order by recorded_at`,
  );
  const visits = await em.find(
    Visit,
    { unit, enteredAt: { $lt: to }, exitedAt: { $gte: from } },
    { orderBy: { enteredAt: 'asc' }, limit: MAX_TRACE_VISITS + 1 },
  );
  if (visits.length > MAX_TRACE_VISITS)
    throw badInput('to', `the window holds more than ${MAX_TRACE_VISITS} visits: ask for a shorter one`);
  // The line joins the replay points: at most MAX_TRACE_POINTS vertices, however dense the fixes.
  // Seven decimals (about 1 cm), as ST_AsGeoJSON(…, 7) gave.
  const line: LineString | null =
    points.length >= 2 ? { type: 'LineString', coordinates: points.map((p) => [sevenDecimals(p.lon), sevenDecimals(p.lat)]) } : null;
  return {
    unit,
    from,
    to,
    // A single fix makes a one-point "line", which GeoJSON does not allow.
    line,
    fixCount,
    distanceMetres: summary?.metres ?? 0,
    points: points.map((p) => ({ recordedAt: new Date(p.recorded_at), longitude: p.lon, latitude: p.lat })),
    visits,
  };
}
