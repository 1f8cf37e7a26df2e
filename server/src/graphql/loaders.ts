import type { EntityManager } from '@mikro-orm/postgresql';
import DataLoader from 'dataloader';
import { query, sql } from '../db/sql.js';
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

/** The newest `first` visits of one site in a window; batched per window and page size. */
export interface SiteVisitsKey extends SiteWindowKey {
  first: number;
}

const windowOf = (k: SiteWindowKey) => `${k.from.toISOString()}/${k.to.toISOString()}`;

/** Keys grouped by what they share beyond the site, so each group is one statement. */
function groupBy<K extends { siteId: string }>(keys: readonly K[], shared: (k: K) => string): Map<string, K[]> {
  const groups = new Map<string, K[]>();
  for (const key of keys) groups.set(shared(key), [...(groups.get(shared(key)) ?? []), key]);
  return groups;
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
      const rows = await query<{ id: string }>(
        em,
        sql`select distinct on (site_id) id from visits where site_id = any(${siteIds}::uuid[]) order by site_id, entered_at desc`,
      );
      const visits = rows.length ? await em.find(Visit, { id: { $in: rows.map((r) => r.id) } }) : [];
      const bySite = new Map(visits.map((v) => [v.site.id, v]));
      return siteIds.map((id) => bySite.get(id) ?? null);
    }),

    /**
     * The newest `first` visits per site in a window; keys sharing a window and a page size
     * share one statement, which reads at most `first` rows per site (one index range scan
     * each, on visits_site_entered_at_idx) however long the window.
     */
    visitsInWindow: new DataLoader<SiteVisitsKey, Visit[], string>(
      async (keys) => {
        const found = new Map<string, Visit[]>();
        for (const group of groupBy(keys, (k) => `${windowOf(k)}#${k.first}`).values()) {
          const { from, to, first } = group[0]!;
          const rows = await query<{ id: string }>(
            em,
            sql`select v.id from unnest(${group.map((k) => k.siteId)}::uuid[]) as s(id)
             cross join lateral (
               select id from visits where site_id = s.id and entered_at >= ${from} and entered_at < ${to} order by entered_at desc limit ${first}
             ) v`,
          );
          const visits = rows.length
            ? await em.find(Visit, { id: { $in: rows.map((r) => r.id) } }, { orderBy: { enteredAt: 'desc' } })
            : [];
          for (const v of visits) {
            const k = `${v.site.id}@${windowOf(group[0]!)}#${first}`;
            found.set(k, [...(found.get(k) ?? []), v]);
          }
        }
        return keys.map((k) => found.get(`${k.siteId}@${windowOf(k)}#${k.first}`) ?? []);
      },
      { cacheKeyFn: (k) => `${k.siteId}@${windowOf(k)}#${k.first}` },
    ),

    /** How many visits each site had in a window (coverage status counts them; it needs no rows). */
    visitCounts: new DataLoader<SiteWindowKey, number, string>(
      async (keys) => {
        const counts = new Map<string, number>();
        for (const group of groupBy(keys, windowOf).values()) {
          const { from, to } = group[0]!;
          const rows = await query<{ site_id: string; n: number }>(
            em,
            sql`select site_id, count(*)::int as n from visits where site_id = any(${group.map((k) => k.siteId)}::uuid[]) and entered_at >= ${from} and entered_at < ${to} group by site_id`,
          );
          for (const r of rows) counts.set(`${r.site_id}@${windowOf(group[0]!)}`, r.n);
        }
        return keys.map((k) => counts.get(`${k.siteId}@${windowOf(k)}`) ?? 0);
      },
      { cacheKeyFn: (k) => `${k.siteId}@${windowOf(k)}` },
    ),

    /** Zone areas in m², from the stored British National Grid boundary. */
    zoneArea: new DataLoader<string, number>(async (zoneIds) => {
      const rows = await query<{ id: string; area: number }>(
        em,
        sql`select id, ST_Area(boundary_bng) as area from patrol_zones where id = any(${zoneIds}::uuid[])`,
      );
      const byId = new Map(rows.map((r) => [r.id, r.area]));
      return zoneIds.map((id) => byId.get(id) ?? 0);
    }),

    /** Units assigned to each zone. */
    zoneUnits: new DataLoader<string, PatrolUnit[]>(async (zoneIds) => {
      const rows = await query<{ patrol_zone_id: string; patrol_unit_id: string }>(
        em,
        sql`select patrol_zone_id, patrol_unit_id from patrol_zone_units where patrol_zone_id = any(${zoneIds}::uuid[])`,
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
      const rows = await query<{ id: string }>(
        em,
        sql`select p.id from unnest(${unitIds}::uuid[]) as u(id)
         cross join lateral (select id from positions where unit_id = u.id order by recorded_at desc limit 1) p`,
      );
      const positions = rows.length ? await em.find(Position, { id: { $in: rows.map((r) => String(r.id)) } }) : [];
      const byUnit = new Map(positions.map((p) => [p.unit.id, p]));
      return unitIds.map((id) => byUnit.get(id) ?? null);
    }),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
