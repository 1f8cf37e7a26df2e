import { Arg, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { HotspotInput } from './hotspot.inputs.js';
import { hotspotMap } from './hotspot.service.js';
import { HotspotResult } from './hotspot.types.js';

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
    const map = await hotspotMap(ctx.em, ctx.config.metricSrid, input);
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
}
