import type { EntityManager } from '@mikro-orm/postgresql';
import { condition, sql } from '../db/sql.js';
import { decodeCursor, encodeCursor, type Page, pageSize, toPage } from '../graphql/connection.js';
import { badInput, checkId, notFound } from '../graphql/errors.js';
import { checkPoint, checkPolygonal, checkWindow } from '../shared/geometry-validation.js';
import { spatialFilter } from '../shared/spatial-filter.js';
import { RISK_ORDER, Site } from './site.entity.js';
import type { CreateSiteInput, SiteFilter, UpdateSiteInput } from './site.inputs.js';

/** Sites in name order, filtered in PostGIS; cursor = (name, id). */
export async function listSites(
  em: EntityManager,
  filter: SiteFilter = {},
  first?: number | null,
  after?: string | null,
): Promise<Page<Site>> {
  const size = pageSize(first);
  const qb = em.createQueryBuilder(Site, 's');
  if (!filter.includeArchived) qb.andWhere({ archivedAt: null });
  if (filter.kinds?.length) qb.andWhere({ kind: { $in: filter.kinds } });
  if (filter.minRisk) qb.andWhere({ riskLevel: { $in: RISK_ORDER.slice(RISK_ORDER.indexOf(filter.minRisk)) } });
  const within = filter.within ? await checkPolygonal(em, 'filter.within', filter.within) : undefined;
  await spatialFilter(em, qb, sql`s.location`, { bbox: filter.bbox, within, zoneId: filter.zoneId });

  const totalCount = await qb.clone().getCount();
  if (after) {
    const [name, id] = decodeCursor(after, ['text', 'uuid']);
    qb.andWhere(...condition(sql`(s.name, s.id) > (${name}, ${id}::uuid)`));
  }
  const rows = await qb
    .orderBy({ name: 'asc', id: 'asc' })
    .limit(size + 1)
    .getResultList();
  return toPage(rows, size, totalCount, (s) => encodeCursor([s.name, s.id]), after);
}

export async function getSite(em: EntityManager, id: string): Promise<Site> {
  const site = await em.findOne(Site, { id: checkId('id', id) });
  if (!site) throw notFound('Site', id);
  return site;
}

export async function createSite(em: EntityManager, input: CreateSiteInput): Promise<Site> {
  const location = checkPoint('input.location', input.location);
  // activeFrom defaults to now: an activeTo before now is as wrong as one before a given activeFrom.
  const activeFrom = input.activeFrom ?? new Date();
  checkWindow(input.activeFrom, input.activeTo, ['input.activeFrom', 'input.activeTo']);
  if (!input.activeFrom && input.activeTo && input.activeTo.getTime() <= activeFrom.getTime())
    throw badInput('input.activeTo', `must be after activeFrom, which is now when left out (got ${input.activeTo.toISOString()})`);
  const site = em.create(Site, {
    name: input.name.trim(),
    kind: input.kind,
    location,
    riskLevel: input.riskLevel,
    requiredVisitsPerDay: input.requiredVisitsPerDay,
    community: input.community ?? null,
    requestedBy: input.requestedBy ?? null,
    activeFrom,
    activeTo: input.activeTo ?? null,
  });
  await em.persistAndFlush(site);
  return site;
}

export async function updateSite(em: EntityManager, id: string, input: UpdateSiteInput): Promise<Site> {
  const site = await getSite(em, id);
  const { location, ...rest } = input;
  const changes = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined && v !== null));
  if (location !== undefined && location !== null) site.location = checkPoint('input.location', location);
  em.assign(site, changes);
  checkWindow(site.activeFrom, site.activeTo ?? null, ['input.activeFrom', 'input.activeTo']);
  await em.flush();
  return site;
}

/** Takes a site off the list for good; its visit history stays. */
export async function archiveSite(em: EntityManager, id: string): Promise<Site> {
  const site = await getSite(em, id);
  site.archivedAt ??= new Date();
  await em.flush();
  return site;
}
