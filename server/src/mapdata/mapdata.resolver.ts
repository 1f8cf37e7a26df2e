import { Arg, Authorized, Ctx, Field, Int, ObjectType, Query, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { AppliedFilter } from '../incidents/applied-filter.types.js';
import { CATEGORY_SLUGS } from '../incidents/categories.js';
import { IncidentFilter } from '../incidents/incident.inputs.js';
import { DEFAULT_POINTS, incidentPoints, MAX_POINTS } from './incident-points.js';

@ObjectType({
  description:
    'Incidents for a map, as columns: each column is a base64 string of a packed big-endian array with one entry per incident, newest first.',
})
class IncidentPoints {
  @Field(() => AppliedFilter, { description: 'The filter applied: totalCount counts exactly its incidents.' })
  filter!: AppliedFilter;

  @Field(() => Int, { description: 'Incidents the filter chooses (also those beyond `limit`).' })
  totalCount!: number;

  @Field(() => Int, { description: 'Incidents in the columns: the newest `limit` of them.' })
  count!: number;

  @Field(() => String, { description: 'Longitudes (WGS84), Float32.' })
  longitudes!: string;

  @Field(() => String, { description: 'Latitudes (WGS84), Float32.' })
  latitudes!: string;

  @Field(() => String, {
    description: 'When each happened, Int32 seconds since 1970 (UTC); the month’s first instant for month-precision records.',
  })
  occurredAt!: string;

  @Field(() => String, { description: 'Index into `categories`, one byte each.' })
  categoryIndex!: string;

  @Field(() => [String], { description: 'The category slugs `categoryIndex` points into, in the fixed police.uk order.' })
  categories!: string[];

  @Field(() => String, {
    description: 'One byte each: bits 0–1 darkness (0 unknown, 1 dark, 2 light), bit 2 month precision, bit 3 hate crime.',
  })
  flags!: string;

  @Field(() => String, { description: 'Int32 index into `locationNames`, from 1; 0 when the record has no location label.' })
  locationIndex!: string;

  @Field(() => [String], { description: 'Location labels, e.g. "On or near Fleet Road", each once, in order.' })
  locationNames!: string[];
}

@Resolver()
export class MapDataResolver {
  @Authorized()
  @Query(() => IncidentPoints, {
    description: `Incidents to draw on a map, newest first, in compact columns (up to ${MAX_POINTS.toLocaleString('en-GB')} in one answer). Without an area, the command area.`,
  })
  async incidentPoints(
    @Ctx() ctx: Context,
    @Arg('filter', () => IncidentFilter, { description: 'Which incidents; `from` and `to` are required.' }) filter: IncidentFilter,
    @Arg('limit', () => Int, { nullable: true, description: `At most this many, the newest (1–${MAX_POINTS}, default ${DEFAULT_POINTS}).` })
    limit?: number,
  ): Promise<IncidentPoints> {
    // On a hot standby when one serves (db/replicas.ts).
    const columns = await ctx.reads((em) => incidentPoints(em, filter, limit ?? DEFAULT_POINTS));
    return { ...columns, categories: [...CATEGORY_SLUGS] };
  }
}
