import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { PatrolUnit } from '../patrols/patrol-unit.entity.js';

/** How long a unit's details (call sign, team) are reused before they are read again. */
export const UNIT_DIRECTORY_REFRESH_MS = 30_000;

/**
 * Patrol units as the live feeds name them, shared by every subscription of this process.
 *
 * Each subscription used to look units up through its own per-request loader: a dashboard
 * opening while 500 units report read the 500 units one batch at a time, and 50 dashboards
 * 25,000 times over, which at the bench's load made their first deliveries 10 s late.
 * Shared, a unit is read once per refresh for all of them, each batch in one query.
 * Units are not secret from anyone allowed to subscribe, so sharing leaks nothing; the
 * cache is dropped every UNIT_DIRECTORY_REFRESH_MS, so a renamed unit shows its new call
 * sign within that time on every server process.
 */
export class UnitDirectory {
  private loader: DataLoader<string, PatrolUnit | null>;
  private readonly timer: NodeJS.Timeout;

  constructor(em: EntityManager, refreshMs = UNIT_DIRECTORY_REFRESH_MS) {
    this.loader = new DataLoader(async (ids) => {
      // A fresh fork per batch: nothing accumulates in a long-lived identity map.
      const units = await em.fork().find(PatrolUnit, { id: { $in: [...ids] } });
      const byId = new Map(units.map((u) => [u.id, u]));
      return ids.map((id) => byId.get(id) ?? null);
    });
    this.timer = setInterval(() => this.loader.clearAll(), refreshMs);
    this.timer.unref();
  }

  load(unitId: string): Promise<PatrolUnit | null> {
    return this.loader.load(unitId);
  }

  close(): void {
    clearInterval(this.timer);
  }
}
