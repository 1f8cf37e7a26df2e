import type { EntityManager } from '@mikro-orm/postgresql';
import { empty, query, sql } from '../db/sql.js';
import type { BBoxInput } from '../graphql/geo-inputs.js';
import type { PubSub } from '../graphql/pubsub.js';
import { Position } from '../patrols/position.entity.js';
import { type Fix, fromEpochMs, type IngestOutcome } from '../patrols/positions.service.js';
import type { CompactFix, PositionsMessage } from './messages.js';
import type { StoredPositions } from './positions-by-reference.js';

/** How far back `since` may reach: longer histories are what patrolTrace is for. */
export const MAX_REPLAY_MINUTES = 60;
/** Fixes replayed at most per catch-up (the newest are kept). */
export const MAX_REPLAY_FIXES = 100_000;
/** Fixes per event, so one event stays a reasonable WebSocket message. */
export const FIXES_PER_EVENT = 1000;
/**
 * After this server's event feed dropped, positions stored since a minute before the drop
 * are replayed: a batch whose transaction began before the drop and was announced during
 * it has a `received_at` (transaction start) before the drop.
 */
export const GAP_MARGIN_MS = 60_000;

export function compact(fix: Fix): CompactFix {
  return [fix.recordedAt.getTime(), fix.longitude, fix.latitude, fix.accuracy ?? null, fix.speed ?? null, fix.heading ?? null];
}

/** A fix as the GraphQL Position type (a plain instance, not managed by the ORM). */
export function toPosition([time, longitude, latitude, accuracy, speed, heading]: CompactFix): Position {
  const position = new Position();
  position.recordedAt = new Date(time);
  position.location = { type: 'Point', coordinates: [longitude, latitude] };
  position.accuracy = accuracy;
  position.speed = speed;
  position.heading = heading;
  return position;
}

export function insideBox([, lon, lat]: CompactFix, box: BBoxInput | null): boolean {
  return !box || (lon >= box.west && lon <= box.east && lat >= box.south && lat <= box.north);
}

/**
 * Announces what a batch stored, once it is committed: its fixes to `unitPositions`, the
 * visits it created or changed to `visitRecorded`.
 */
export function publishIngest(pubSub: PubSub, unitId: string, outcome: IngestOutcome): void {
  if (outcome.stored.length > 0) {
    pubSub.publish('positions', {
      unitId,
      storedAt: (outcome.storedAt ?? new Date()).toISOString(),
      fixes: outcome.stored.map((s) => compact(s.fix)),
    });
  }
  if (outcome.visits.length > 0) {
    pubSub.publish('visits', {
      visits: outcome.visits.map((v) => ({
        id: v.id,
        unitId: v.unitId,
        siteId: v.siteId,
        enteredAt: v.enteredAt.toISOString(),
        exitedAt: v.exitedAt.toISOString(),
        fixes: v.fixes,
      })),
    });
  }
}

/**
 * One announced batch read back (live/positions-by-reference.ts): the unit's fixes in the
 * batch's span of times stored by its transaction (`received_at`, kept to the
 * microsecond, within the announced millisecond), on the unit's own key.
 */
export async function storedBatch(em: EntityManager, reference: StoredPositions): Promise<PositionsMessage> {
  const { unitId } = reference;
  const storedAt = new Date(reference.storedAt).getTime();
  const rows = await query<{ t: number; lon: number; lat: number; accuracy: number | null; speed: number | null; heading: number | null }>(
    em,
    sql`select (extract(epoch from recorded_at) * 1000)::float8 as t, ST_X(location) as lon, ST_Y(location) as lat, accuracy, speed, heading
        from positions p
        where p.unit_id = ${unitId}::uuid
          and (p.unit_id, p.recorded_at) between (${unitId}::uuid, ${fromEpochMs(sql`${reference.from}::int8`)})
                                             and (${unitId}::uuid, ${fromEpochMs(sql`${reference.to}::int8`)})
          and p.received_at >= ${fromEpochMs(sql`${storedAt}::int8`)}
          and p.received_at < ${fromEpochMs(sql`${storedAt + 1}::int8`)}
        order by p.recorded_at`,
  );
  return {
    unitId,
    storedAt: reference.storedAt,
    fixes: rows.map((r) => [Number(r.t), r.lon, r.lat, r.accuracy, r.speed, r.heading]),
  };
}

/**
 * The positions stored at or after `since` (by `received_at`, the server clock when their
 * batch was stored, so late fixes from a device that was offline are included), inside the
 * box if one is given: per unit, in time order, at most FIXES_PER_EVENT per message.
 */
export async function storedSince(em: EntityManager, since: Date, box: BBoxInput | null): Promise<PositionsMessage[]> {
  const inBox = box
    ? sql`and location && ST_MakeEnvelope(${box.west}::float8, ${box.south}::float8, ${box.east}::float8, ${box.north}::float8, 4326)`
    : empty;
  const rows = await query<{
    unit_id: string;
    t: string;
    lon: number;
    lat: number;
    accuracy: number | null;
    speed: number | null;
    heading: number | null;
    received_at: string;
  }>(
    em,
    sql`select unit_id, (extract(epoch from recorded_at) * 1000)::bigint as t, ST_X(location) as lon, ST_Y(location) as lat,
            accuracy, speed, heading, received_at
     from positions
     where received_at >= ${since} ${inBox}
     order by received_at desc
     limit ${MAX_REPLAY_FIXES}`,
  );
  const byUnit = new Map<string, { fixes: CompactFix[]; storedAt: number }>();
  for (const r of rows) {
    let unit = byUnit.get(r.unit_id);
    if (!unit) {
      unit = { fixes: [], storedAt: 0 };
      byUnit.set(r.unit_id, unit);
    }
    unit.fixes.push([Number(r.t), r.lon, r.lat, r.accuracy, r.speed, r.heading]);
    unit.storedAt = Math.max(unit.storedAt, new Date(r.received_at).getTime());
  }
  const messages: PositionsMessage[] = [];
  for (const [unitId, { fixes, storedAt }] of byUnit) {
    fixes.sort((a, b) => a[0] - b[0]);
    for (let i = 0; i < fixes.length; i += FIXES_PER_EVENT) {
      messages.push({ unitId, storedAt: new Date(storedAt).toISOString(), fixes: fixes.slice(i, i + FIXES_PER_EVENT) });
    }
  }
  return messages;
}
