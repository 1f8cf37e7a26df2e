import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { pgArray } from '../db/sql.js';
import { PatrolUnit } from '../patrols/patrol-unit.entity.js';
import { Position } from '../patrols/position.entity.js';
import { Visit } from '../patrols/visit.entity.js';
import { Site } from '../sites/site.entity.js';

/** Visits of one site in a window; batched per window. */
export interface SiteWindowKey {
  siteId: string;
  from: Date;
  to: Date;
}

/**
 * Per-request batching: a page of 100 sites with their last visits costs one query for
 * the visits, not 100. Created fresh for every request, so nothing is cached across callers.
 */
export function createLoaders(em: EntityManager) {
  const byId = <T extends { id: string }>(rows: T[], ids: readonly string[]) => {
    const map = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => map.get(id) ?? null);
  };
  return {
    site: new DataLoader<string, Site | null>(async (ids) => byId(await em.find(Site, { id: { $in: [...ids] } }), ids)),
    unit: new DataLoader<string, PatrolUnit | null>(async (ids) => byId(await em.find(PatrolUnit, { id: { $in: [...ids] } }), ids)),

    /** The latest visit of each site (DISTINCT ON: one index scan per site). */
    lastVisit: new DataLoader<string, Visit | null>(async (siteIds) => {
      const rows = await em
        .getConnection()
        .execute<{ id: string }[]>(
          `select distinct on (site_id) id from visits where site_id = any(?::uuid[]) order by site_id, entered_at desc`,
          [pgArray(siteIds)],
        );
      const visits = rows.length ? await em.find(Visit, { id: { $in: rows.map((r) => r.id) } }) : [];
      const bySite = new Map(visits.map((v) => [v.site.id, v]));
      return siteIds.map((id) => bySite.get(id) ?? null);
    }),

    /** Visits per site in a window, newest first; keys sharing a window share one query. */
    visitsInWindow: new DataLoader<SiteWindowKey, Visit[], string>(
      async (keys) => {
        const groups = new Map<string, SiteWindowKey[]>();
        for (const key of keys) {
          const window = `${key.from.toISOString()}/${key.to.toISOString()}`;
          groups.set(window, [...(groups.get(window) ?? []), key]);
        }
        const found = new Map<string, Visit[]>();
        for (const [window, group] of groups) {
          const { from, to } = group[0]!;
          const visits = await em.find(
            Visit,
            { site: { $in: group.map((k) => k.siteId) }, enteredAt: { $gte: from, $lt: to } },
            { orderBy: { enteredAt: 'desc' } },
          );
          for (const v of visits) {
            const k = `${v.site.id}@${window}`;
            found.set(k, [...(found.get(k) ?? []), v]);
          }
        }
        return keys.map((k) => found.get(`${k.siteId}@${k.from.toISOString()}/${k.to.toISOString()}`) ?? []);
      },
      { cacheKeyFn: (k) => `${k.siteId}@${k.from.toISOString()}/${k.to.toISOString()}` },
    ),

    /** Zone areas in m², from the stored British National Grid boundary. */
    zoneArea: new DataLoader<string, number>(async (zoneIds) => {
      const rows = await em
        .getConnection()
        .execute<{ id: string; area: number }[]>(`select id, ST_Area(boundary_bng) as area from patrol_zones where id = any(?::uuid[])`, [
          pgArray(zoneIds),
        ]);
      const byId = new Map(rows.map((r) => [r.id, r.area]));
      return zoneIds.map((id) => byId.get(id) ?? 0);
    }),

    /** Units assigned to each zone. */
    zoneUnits: new DataLoader<string, PatrolUnit[]>(async (zoneIds) => {
      const rows = await em
        .getConnection()
        .execute<{ patrol_zone_id: string; patrol_unit_id: string }[]>(
          `select patrol_zone_id, patrol_unit_id from patrol_zone_units where patrol_zone_id = any(?::uuid[])`,
          [pgArray(zoneIds)],
        );
      const units = rows.length
        ? await em.find(PatrolUnit, { id: { $in: rows.map((r) => r.patrol_unit_id) } }, { orderBy: { callSign: 'asc' } })
        : [];
      return zoneIds.map((zoneId) => {
        const ids = new Set(rows.filter((r) => r.patrol_zone_id === zoneId).map((r) => r.patrol_unit_id));
        return units.filter((u) => ids.has(u.id));
      });
    }),

    /** The latest fix of each unit. */
    lastPosition: new DataLoader<string, Position | null>(async (unitIds) => {
      const rows = await em.getConnection().execute<{ id: string }[]>(
        `select p.id from unnest(?::uuid[]) as u(id)
         cross join lateral (select id from positions where unit_id = u.id order by recorded_at desc limit 1) p`,
        [pgArray(unitIds)],
      );
      const positions = rows.length ? await em.find(Position, { id: { $in: rows.map((r) => String(r.id)) } }) : [];
      const byUnit = new Map(positions.map((p) => [p.unit.id, p]));
      return unitIds.map((id) => byUnit.get(id) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
