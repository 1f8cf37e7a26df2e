import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/role.js';
import type { Context } from '../graphql/context.js';
import { BBoxInput } from '../graphql/geo-inputs.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
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

@Resolver()
export class AnalyticsResolver {
  @Authorized()
  @Query(() => HotspotResult, {
    description: 'Hot spots of incidents on a grid: counts, quartic KDE, or Getis–Ord Gi* with confidence bins.',
  })
  async hotspots(
    @Arg('input', () => HotspotInput, { description: 'What to map, where, and how.' }) input: HotspotInput,
    @Ctx() ctx: Context,
  ): Promise<HotspotResult> {
    const map = await ctx.reads((db) =>
      hotspotMap(Object.assign(Object.create(ctx.em), { execute: db.execute }), ctx.config.metricSrid, input),
    );
    const counts = map.cells.map((c) => c.count);
    const bins = (b: string) => map.cells.filter((c) => c.confidence === b).length;
    return {
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
    };
  }

  @Authorized()
  @Query(() => HotspotAccuracy, { description: 'Builds a hot-spot map on one period and scores it on the next: PAI, hit rate and PEI.' })
  hotspotAccuracy(
    @Arg('input', () => HotspotAccuracyInput, { description: 'The two periods and the map to build.' }) input: HotspotAccuracyInput,
    @Ctx() ctx: Context,
  ): Promise<HotspotAccuracy> {
    return hotspotAccuracy(ctx.em, ctx.config.metricSrid, input);
  }

  @Authorized()
  @Query(() => IncidentTrend, {
    description:
      'Counts per day in equal windows before and after an event, the rate ratio, its 95 % interval and an exact Poisson rate test.',
  })
  async incidentTrend(
    @Arg('eventAt', () => Date, { description: 'The event.' }) eventAt: Date,
    @Arg('days', () => Int, { description: 'Days in each window, 1–365.' }) days: number,
    @Ctx() ctx: Context,
    @Arg('categories', () => [String], { nullable: true, description: 'police.uk category slugs; all when left out.' })
    categories?: string[],
    @Arg('hateCrime', () => Boolean, { nullable: true, description: 'Only hate crime (true) or only other incidents (false).' })
    hateCrime?: boolean,
    @Arg('zoneId', () => ID, { nullable: true, description: 'Only incidents in this zone.' }) zoneId?: string,
    @Arg('bbox', () => BBoxInput, { nullable: true, description: 'Only incidents in this box.' }) bbox?: BBoxInput,
  ): Promise<IncidentTrend> {
    const trend = await incidentTrend(ctx.em, { eventAt, days, categories, hateCrime, zoneId, bbox });
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
    description: 'What-if for planners, saving nothing: incidents, Gi* hot cells and sites a drawn zone would capture, and its PAI.',
  })
  async previewZone(
    @Arg('boundary', () => GeoJSONScalar, { description: 'The drawn Polygon or MultiPolygon (GeoJSON, WGS84).' }) boundary: unknown,
    @Arg('from', () => Date, { description: 'Start of the window.' }) from: Date,
    @Arg('to', () => Date, { description: 'End of the window (at most 31 days).' }) to: Date,
    @Ctx() ctx: Context,
  ): Promise<ZonePreview> {
    const preview = await previewZone(ctx.em, ctx.config.metricSrid, boundary, from, to);
    return { ...preview, sites: await withSites(ctx, preview.sites) };
  }
}
