import { Arg, Authorized, Ctx, FieldResolver, Float, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { applyFilter } from '../incidents/incident-filter.js';
import type { Site } from '../sites/site.entity.js';
import { PatrolZone } from '../zones/patrol-zone.entity.js';
import { CellDosage, CoverageInput, CoverageReport, CoverageTotals, SiteCoverage, ZoneCoverage } from './analytics.types.js';
import { resolveArea } from './area.js';
import { CoverageParts } from './coverage.parts.js';
import { checkCoverageWindow, DOSAGE_MAP_DAYS, type SiteCoverageRow } from './coverage.service.js';

/** Coverage rows with their site entities (one batched lookup). */
export async function withSites(ctx: Context, rows: SiteCoverageRow[]): Promise<SiteCoverage[]> {
  const sites = await ctx.loaders.site.loadMany(rows.map((r) => r.siteId));
  return rows.map((r, k) => ({ ...r, site: sites[k] as Site }));
}

/**
 * `coverage`, with each part of the report resolved only when the query selects it (see
 * CoverageParts): the dashboard's zone layer asks for zones only, its KPI panel for totals.
 */
@Resolver(() => CoverageReport)
export class CoverageResolver {
  @Authorized()
  @Query(() => CoverageReport, { description: 'Patrol coverage over a window: per site, per zone, per hot-spot cell, and totals.' })
  async coverage(
    @Arg('input', () => CoverageInput, { description: 'Window and area.' }) input: CoverageInput,
    @Ctx() ctx: Context,
  ): Promise<CoverageReport> {
    checkCoverageWindow(input.from, input.to);
    const area = await resolveArea(ctx.em, input);
    const reason = `the dosed map covers the ${DOSAGE_MAP_DAYS} days before input.from over the report’s area`;
    await applyFilter(ctx.em, input.incidents, { field: 'input.incidents', window: 'forbidden', area: 'forbidden', reason });
    // The given incidents over the report's area (its box, polygon or zone, else the command area).
    const hotspotFilter = await applyFilter(
      ctx.em,
      {
        ...input.incidents,
        from: new Date(input.from.getTime() - DOSAGE_MAP_DAYS * 86_400_000),
        to: input.from,
        bbox: input.bbox,
        within: input.within,
        zoneId: input.zoneId,
      },
      { field: 'input', defaultArea: 'commandArea' },
    );
    const rules = { radiusMetres: ctx.config.visitRadiusMetres, gapSeconds: ctx.config.visitGapSeconds };
    return Object.assign(new CoverageReport(), {
      from: input.from,
      to: input.to,
      hotspotFilter,
      parts: new CoverageParts(ctx.em, ctx.reads, rules, { ...input, hotspotFilter }, area),
    });
  }

  @FieldResolver(() => [SiteCoverage], { description: 'Per site, by name.' })
  async sites(@Root() report: CoverageReport, @Ctx() ctx: Context): Promise<SiteCoverage[]> {
    return withSites(ctx, await report.parts.sites());
  }

  @FieldResolver(() => [ZoneCoverage], { description: 'Per zone.' })
  async zones(@Root() report: CoverageReport, @Ctx() ctx: Context): Promise<ZoneCoverage[]> {
    const rows = await report.parts.zones();
    const zones = new Map((await ctx.em.find(PatrolZone, { id: { $in: rows.map((z) => z.zoneId) } })).map((z) => [z.id, z]));
    return rows.map((z) => ({ ...z, zone: zones.get(z.zoneId) as PatrolZone }));
  }

  @FieldResolver(() => [CellDosage], { description: 'Per hot-spot cell.' })
  async hotspotCells(@Root() report: CoverageReport): Promise<CellDosage[]> {
    return (await report.parts.hotspotCells()) as CellDosage[];
  }

  @FieldResolver(() => CoverageTotals, { description: 'Totals.' })
  async totals(@Root() report: CoverageReport): Promise<CoverageTotals> {
    const sites = await report.parts.sites();
    const sum = (value: (s: SiteCoverageRow) => number) => sites.reduce((a, s) => a + value(s), 0);
    const required = sum((s) => s.requiredVisits);
    const achieved = sum((s) => s.achievedVisits);
    return Object.assign(new CoverageTotals(), {
      sites: sites.length,
      requiredVisits: required,
      achievedVisits: achieved,
      compliance: required > 0 ? achieved / required : null,
      dosageMinutes: sum((s) => s.dosageMinutes),
      koperCompliantVisits: sum((s) => s.koperCompliantVisits),
      overdueSites: sites.filter((s) => s.overdue).length,
      parts: report.parts,
    });
  }
}

@Resolver(() => CoverageTotals)
export class CoverageTotalsResolver {
  @FieldResolver(() => Float, { nullable: true, description: 'Covered share of all the zones’ area together.' })
  async coveredShare(@Root() totals: CoverageTotals): Promise<number | null> {
    const zones = await totals.parts.zones();
    const area = zones.reduce((a, z) => a + z.areaSquareMetres, 0);
    return area > 0 ? zones.reduce((a, z) => a + z.coveredSquareMetres, 0) / area : null;
  }
}
