import { Authorized, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { METRIC_SRID } from '../db/sql.js';
import type { Context } from '../graphql/context.js';

@ObjectType({ description: 'Settings the dashboard needs from the server.' })
class AppConfig {
  @Field(() => String, {
    nullable: true,
    description: 'Map tile URL template ({z}/{x}/{y}); empty when no tile server is configured, and the map shows ward outlines only.',
  })
  tileUrl!: string | null;

  @Field(() => String, { description: 'Attribution to show with the tiles.' })
  tileAttribution!: string;

  @Field(() => Int, { description: 'Visit radius r in metres.' })
  visitRadiusMetres!: number;

  @Field(() => Int, { description: 'Visit gap g in seconds: longer gaps between fixes split a visit.' })
  visitGapSeconds!: number;

  @Field(() => Int, { description: 'EPSG code of the metric projection used for distances and grids.' })
  metricSrid!: number;
}

@Resolver()
export class AppConfigResolver {
  @Authorized()
  @Query(() => AppConfig, { description: 'Map and measurement settings.' })
  appConfig(@Ctx() ctx: Context): AppConfig {
    const c = ctx.config;
    return {
      tileUrl: c.tileUrl || null,
      tileAttribution: c.tileAttribution,
      visitRadiusMetres: c.visitRadiusMetres,
      visitGapSeconds: c.visitGapSeconds,
      metricSrid: METRIC_SRID,
    };
  }
}
