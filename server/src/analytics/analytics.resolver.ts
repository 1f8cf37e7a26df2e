import { Arg, Authorized, Ctx, Int, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/role.js';
import type { Context } from '../graphql/context.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { IncidentFilter } from '../incidents/incident.inputs.js';
import { applyFilter } from '../incidents/incident-filter.js';
import { checkPolygonal } from '../shared/geometry-validation.js';
import type { Site } from '../sites/site.entity.js';
import { hotspotAccuracy } from './accuracy.service.js';
import { HotspotAccuracy, HotspotAccuracyInput, IncidentTrend, OverdueSite, ZonePreview } from './analytics.types.js';
import { withSites } from './coverage.resolver.js';
import { HotspotInput } from './hotspot.inputs.js';
import { hotspotMap } from './hotspot.service.js';
import { HotspotResult } from './hotspot.types.js';
import { overdueSites } from './overdue.service.js';
import { previewZone } from './preview.service.js';
import { incidentTrend, type RateComparison } from './trend.service.js';

const finite = (v: number) => (Number.isFinite(v) ? v : null);
const comparison = <T extends RateComparison>(c: T) => ({ ...c, rateRatio: finite(c.rateRatio), upper95: finite(c.upper95) });

/** The longest window of a zone preview (its site coverage reads a month of visits at most). */
const PREVIEW_MAX_DAYS = 31;

@Resolver()
export class AnalyticsResolver {
  @Authorized()
  @Query(() => HotspotResult, {
    description:
      'Hot spots of the filter’s incidents on a grid over its area: counts, quartic KDE, or Getis–Ord Gi* with confidence bins. Every incident of the filter counts in exactly one cell.',
  })
  async hotspots(
    @Arg('input', () => HotspotInput, { description: 'Which incidents (the filter), and how to grid and score them.' }) input: HotspotInput,
    @Ctx() ctx: Context,
  ): Promise<HotspotResult> {
    // On a hot standby when one is in rotation (db/replicas.ts): the filter's checks and the map.
    const map = await ctx.reads(async (em) => {
      const filter = await applyFilter(em, input.filter, { field: 'input.filter', window: 'required', defaultArea: 'commandArea' });
      return hotspotMap(em, filter, input);
    });
    const counts = map.cells.map((c) => c.count);
    const bins = (b: string) => map.cells.filter((c) => c.confidence === b).length;
    return {
      filter: map.filter,
      parameters: map as unknown as HotspotResult['parameters'],
      summary: {
        incidentCount: map.incidentCount,
        cellCount: map.cellCount,
        areaSquareMetres: map.areaSquareMetres,
        maxCount: counts.length ? Math.max(...counts) : 0,
        meanCount: counts.length ? counts.reduce((a, b) => a + b, 0) / counts.length : 0,
        hot99: bins('HOT_99'),
        hot95: bins('HOT_95'),
        hot90: bins('HOT_90'),
        cold: map.cells.filter((c) => c.confidence.startsWith('COLD')).length,
      },
      cells: map.cells as HotspotResult['cells'],
    } as HotspotResult;
  }

  @Authorized()
  @Query(() => HotspotAccuracy, {
    description:
      'Builds a hot-spot map on a training period and scores it on the filter’s incidents of the test period (the filter’s window): PAI, hit rate and PEI, with areas clipped to the study area.',
  })
  async hotspotAccuracy(
    @Arg('input', () => HotspotAccuracyInput, {
      description: 'The filter (its window is the test period), the training period and the map to build.',
    })
    input: HotspotAccuracyInput,
    @Ctx() ctx: Context,
  ): Promise<HotspotAccuracy> {
    return ctx.reads(async (em) => {
      const filter = await applyFilter(em, input.filter, { field: 'input.filter', window: 'required', defaultArea: 'commandArea' });
      return hotspotAccuracy(em, filter, input);
    });
  }

  @Authorized()
  @Query(() => IncidentTrend, {
    description:
      'The filter’s incidents per day in equal windows before and after an event, the rate ratio, its exact 95 % interval and an exact Poisson rate test (R’s poisson.test), and the same per community.',
  })
  async incidentTrend(
    @Arg('eventAt', () => Date, { description: 'The event.' }) eventAt: Date,
    @Arg('days', () => Int, { description: 'Days in each window, 1–365.' }) days: number,
    @Ctx() ctx: Context,
    @Arg('filter', () => IncidentFilter, {
      nullable: true,
      description:
        'Which incidents (all when left out); without from and to: the windows are set by eventAt and days. No area counts incidents anywhere.',
    })
    filter?: IncidentFilter,
  ): Promise<IncidentTrend> {
    const trend = await ctx.reads(async (em) => {
      const applied = await applyFilter(em, filter, {
        field: 'filter',
        window: 'forbidden',
        reason: 'the windows are eventAt − days to eventAt and eventAt to eventAt + days',
      });
      return incidentTrend(em, applied, { eventAt, days });
    });
    return { ...comparison(trend), byCommunity: trend.byCommunity.map(comparison) } as IncidentTrend;
  }

  @Authorized()
  @Query(() => [OverdueSite], { description: 'Sites with no visit for longer than 24 h ÷ required visits per day, most overdue first.' })
  async overdueSites(@Ctx() ctx: Context): Promise<OverdueSite[]> {
    const rows = await overdueSites(ctx.em);
    const sites = await ctx.loaders.site.loadMany(rows.map((r) => r.siteId));
    return rows.map((r, k) => ({ ...r, site: sites[k] as Site }));
  }

  @Authorized(Role.PLANNER, Role.SUPERINTENDENT)
  @Query(() => ZonePreview, {
    description:
      'What-if for planners, saving nothing: the filter’s incidents and Gi* hot cells a drawn zone would capture, the sites inside it, and its PAI against the command area.',
  })
  async previewZone(
    @Arg('boundary', () => GeoJSONScalar, { description: 'The drawn Polygon or MultiPolygon (GeoJSON, WGS84).' }) boundary: unknown,
    @Arg('filter', () => IncidentFilter, {
      description: `Which incidents: from and to (at most ${PREVIEW_MAX_DAYS} days) are required; no area (the boundary and the command area are the areas compared).`,
    })
    filter: IncidentFilter,
    @Ctx() ctx: Context,
  ): Promise<ZonePreview> {
    const shape = await checkPolygonal(ctx.em, 'boundary', boundary);
    const preview = await ctx.reads(async (em) => {
      const applied = await applyFilter(em, filter, {
        field: 'filter',
        window: 'required',
        maxDays: PREVIEW_MAX_DAYS,
        area: 'forbidden',
        reason: 'the preview compares the boundary with the command area',
      });
      return previewZone(em, shape, applied);
    });
    return { ...preview, sites: await withSites(ctx, preview.sites) } as ZonePreview;
  }
}
