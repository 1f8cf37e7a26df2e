import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Role } from '../auth/role.js';
import { Connection, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, pageSize } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { Visit } from '../patrols/visit.entity.js';
import { checkWindow, checkWindowSpan } from '../shared/geometry-validation.js';
import { coverageStatus, SiteCoverageStatus } from './coverage-status.js';
import { Site } from './site.entity.js';
import { CreateSiteInput, SiteFilter, UpdateSiteInput } from './site.inputs.js';
import { archiveSite, createSite, getSite, listSites, updateSite } from './site.service.js';

export const SiteConnection = Connection('Site', Site);

const DAY_MS = 24 * 60 * 60 * 1000;

@Resolver(() => Site)
export class SiteResolver {
  @Authorized()
  @Query(() => SiteConnection, { description: 'Sites on the patrol list, by name. Site locations are sensitive: every read is audited.' })
  async sites(
    @Ctx() ctx: Context,
    @Arg('filter', () => SiteFilter, { nullable: true, description: 'Which sites; all when left out.' }) filter?: SiteFilter,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1–500 (default 100).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the last item of the previous page.' }) after?: string,
  ) {
    // Audited with the sites the answer carries, like every read of a site (audit/site-reads.ts).
    return listSites(ctx.em, filter, first, after);
  }

  @Authorized()
  @Query(() => Site, { description: 'One site, with its visits and current coverage status. Audited.' })
  site(@Arg('id', () => ID, { description: 'Id of the site.' }) id: string, @Ctx() ctx: Context): Promise<Site> {
    return getSite(ctx.em, id);
  }

  @Authorized(Role.PLANNER)
  @Mutation(() => Site, { description: 'Adds a site to the patrol list (planners).' })
  createSite(
    @Arg('input', () => CreateSiteInput, { description: 'The new site.' }) input: CreateSiteInput,
    @Ctx() ctx: Context,
  ): Promise<Site> {
    return createSite(ctx.em, input);
  }

  @Authorized(Role.PLANNER)
  @Mutation(() => Site, { description: 'Changes a site (planners).' })
  updateSite(
    @Arg('id', () => ID, { description: 'Id of the record to change.' }) id: string,
    @Arg('input', () => UpdateSiteInput, { description: 'The changes.' }) input: UpdateSiteInput,
    @Ctx() ctx: Context,
  ): Promise<Site> {
    return updateSite(ctx.em, id, input);
  }

  @Authorized(Role.PLANNER)
  @Mutation(() => Site, { description: 'Takes a site off the patrol list for good; its history stays (planners).' })
  archiveSite(@Arg('id', () => ID, { description: 'Id of the site.' }) id: string, @Ctx() ctx: Context): Promise<Site> {
    return archiveSite(ctx.em, id);
  }

  @FieldResolver(() => Visit, { nullable: true, description: 'The most recent visit by any unit.' })
  lastVisit(@Root() site: Site, @Ctx() ctx: Context): Promise<Visit | null> {
    return ctx.loaders.lastVisit.load(site.id);
  }

  @FieldResolver(() => [Visit], {
    description:
      'Visits in a window (default: the last 7 days; at most POSITION_RETENTION_DAYS long, 400 by default), newest first, at most `first` of them.',
  })
  visits(
    @Root() site: Site,
    @Ctx() ctx: Context,
    @Arg('from', () => Date, { nullable: true, description: 'Start of the window (default: 7 days before `to`).' }) from?: Date,
    @Arg('to', () => Date, { nullable: true, description: 'End of the window (default: now).' }) to?: Date,
    @Arg('first', () => Int, {
      defaultValue: DEFAULT_PAGE_SIZE,
      description: `How many visits at most, newest first, 1–${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}).`,
    })
    first: number = DEFAULT_PAGE_SIZE,
  ): Promise<Visit[]> {
    const end = to ?? new Date();
    const start = from ?? new Date(end.getTime() - 7 * DAY_MS);
    checkWindow(start, end);
    // Visits are kept for good, positions only for the retention period: a window longer
    // than that is a scan of the whole history, not a question about patrols.
    checkWindowSpan(start, end, ctx.config.positionRetentionDays, ['from', 'to']);
    return ctx.loaders.visitsInWindow.load({ siteId: site.id, from: start, to: end, first: pageSize(first) });
  }

  @FieldResolver(() => SiteCoverageStatus, { description: 'Where the site stands right now against its required visits (last 24 hours).' })
  async coverage(@Root() site: Site, @Ctx() ctx: Context): Promise<SiteCoverageStatus> {
    const now = new Date();
    // Rounded to the minute so every site of a page shares one window, hence one query.
    const to = new Date(Math.ceil(now.getTime() / 60_000) * 60_000);
    const [recent, last] = await Promise.all([
      ctx.loaders.visitCounts.load({ siteId: site.id, from: new Date(to.getTime() - DAY_MS), to }),
      ctx.loaders.lastVisit.load(site.id),
    ]);
    return coverageStatus(site, recent, last?.exitedAt ?? null, now);
  }
}
