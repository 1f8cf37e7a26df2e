import type { EntityManager } from '@mikro-orm/postgresql';
import { DEFAULT_DEMO_SEED, LivePatrol, type LonLat, PING_SECONDS } from '@vigil/seeds';
import type { Orm } from '../db/orm.js';
import { query, sql, unionOf } from '../db/sql.js';
import { type IngestOutcome, ingestPositions, type VisitRules } from '../patrols/positions.service.js';
import { currentUnitPlan } from '../plans/plan.service.js';

export interface LiveSimulatorOptions {
  orm: Orm;
  rules: VisitRules;
  /** How often the units report (default: every PING_SECONDS, like the devices). */
  intervalMs?: number;
  seed?: string | number;
  /** Told after each unit's fixes are committed, e.g. to publish them to the live map. */
  onStored?: (unitId: string, outcome: IngestOutcome) => void;
  /** Told when a tick fails (the simulator carries on). */
  onError?: (error: unknown) => void;
  /** The clock; tests may pass their own. */
  now?: () => Date;
}

export interface LiveSimulator {
  /** Units being moved, by call sign. */
  readonly callSigns: string[];
  /** Stops the timer and waits for a tick in progress to finish: nothing is written after this resolves. */
  stop(): Promise<void>;
}

interface LiveUnit {
  id: string;
  callSign: string;
  patrol: LivePatrol;
  /** The stored plan being followed, and when plans were last looked up (wall clock). */
  planId?: string | null;
  checkedAt?: number;
}

/** How often each unit looks for a new current plan. */
const PLAN_CHECK_MS = 10_000;

/** A unit with a current patrol plan follows its stops still to come (see LivePatrol.follow). */
async function followPlan(em: EntityManager, unit: LiveUnit, at: Date): Promise<void> {
  if (unit.checkedAt !== undefined && Date.now() - unit.checkedAt < PLAN_CHECK_MS) return;
  unit.checkedAt = Date.now();
  const plan = await currentUnitPlan(em, unit.id, at);
  const id = plan?.id ?? null;
  if (id === (unit.planId ?? null)) return;
  unit.planId = id;
  unit.patrol.follow(
    (plan?.stops ?? [])
      .filter((s) => s.departAt > at)
      .map((s) => ({ location: s.location.coordinates, name: s.placeName, arriveAt: s.arriveAt, dwellMinutes: s.dwellMinutes })),
  );
}

/**
 * Keeps the demo's patrol units moving in real time: every few seconds each unit sends
 * the fixes due since its last report through the ingest path of `storePositions` (one
 * set-based insert and the visits it makes, in one transaction), so positions, visits and
 * — through `onStored` — the live map behave as they would for real devices.
 * Each unit goes round the high-risk sites in its assigned zones (or walks around where it
 * was), starting from its last stored position; a unit with a saved patrol plan follows it.
 */
export async function startLiveSimulator(options: LiveSimulatorOptions): Promise<LiveSimulator> {
  const em = () => options.orm.em.fork() as unknown as EntityManager;
  const now = options.now ?? (() => new Date());
  const units = await loadUnits(em(), options.seed ?? DEFAULT_DEMO_SEED);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const tick = async () => {
    const at = now();
    for (const unit of units) {
      if (stopped) return;
      try {
        await followPlan(em(), unit, at);
      } catch (error) {
        options.onError?.(error);
      }
      const fixes = unit.patrol.due(at);
      if (fixes.length === 0) continue;
      try {
        // storePositions' path (ingestPositions unchecked: the simulator's fixes are trusted),
        // keeping the outcome so the caller can announce the stored fixes and visits.
        const outcome = await ingestPositions(em(), unit.id, fixes, options.rules, { check: false });
        options.onStored?.(unit.id, outcome);
      } catch (error) {
        options.onError?.(error);
      }
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        running = tick().finally(schedule);
      },
      options.intervalMs ?? PING_SECONDS * 1000,
    );
  };
  schedule();

  return {
    callSigns: units.map((u) => u.callSign),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}

async function loadUnits(em: EntityManager, seed: string | number): Promise<LiveUnit[]> {
  const units = await query<{ id: string; call_sign: string; kind: string; lon: number | null; lat: number | null }>(
    em,
    sql`select u.id, u.call_sign, u.kind, ST_X(p.location) as lon, ST_Y(p.location) as lat
     from patrol_units u
     left join lateral (select location from positions where unit_id = u.id order by recorded_at desc limit 1) p on true
     order by u.call_sign`,
  );
  const sites = await query<{ unit_id: string; name: string; lon: number; lat: number }>(
    em,
    sql`select distinct zu.patrol_unit_id as unit_id, s.name, ST_X(s.location) as lon, ST_Y(s.location) as lat
     from patrol_zone_units zu
     join patrol_zones z on z.id = zu.patrol_zone_id
     join sites s on ST_Intersects(z.boundary, s.location)
     where s.archived_at is null and s.risk_level in ('HIGH', 'CRITICAL')
     order by s.name`,
  );
  const centres = await query<{ unit_id: string; lon: number; lat: number }>(
    em,
    sql`select zu.patrol_unit_id as unit_id, ST_X(ST_PointOnSurface(${unionOf(sql`z.boundary`)})) as lon, ST_Y(ST_PointOnSurface(${unionOf(sql`z.boundary`)})) as lat
     from patrol_zone_units zu join patrol_zones z on z.id = zu.patrol_zone_id
     group by zu.patrol_unit_id`,
  );
  return units.flatMap((u) => {
    const own = sites.filter((s) => s.unit_id === u.id).map((s) => ({ name: s.name, location: [s.lon, s.lat] as LonLat }));
    const centre = centres.find((c) => c.unit_id === u.id);
    const start: LonLat | undefined =
      u.lon !== null && u.lat !== null ? [u.lon, u.lat] : (own[0]?.location ?? (centre ? [centre.lon, centre.lat] : undefined));
    if (!start) return [];
    // Foot patrols keep to their own few streets: only the sites of their own (small) zones.
    const mode = u.kind === 'CAR' ? 'CAR' : 'FOOT';
    return [{ id: u.id, callSign: u.call_sign, patrol: new LivePatrol(seed, u.call_sign, mode, own, start) }];
  });
}
