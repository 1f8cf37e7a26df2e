import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Authorized, Ctx, Field, Info, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/role.js';
import { jsonKeyFits } from '../db/sql.js';
import { Connection } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { plainListSelection, responsePath } from '../graphql/selection.js';
import { AppliedFilter } from './applied-filter.types.js';
import { CRIME_CATEGORIES } from './categories.js';
import { Incident } from './incident.entity.js';
import { IncidentFilter, IncidentInput } from './incident.inputs.js';
import { COUNT_BOUND, categoryCounts, INCIDENT_JSON_FIELDS, importIncidents, listIncidents, reportIncident } from './incident.service.js';

@ObjectType('IncidentConnection', { description: 'A page of incident results, and the filter that chose them.' })
export class IncidentConnection extends Connection('Incident', Incident) {
  @Field(() => Int, {
    description: `How many incidents match the filter, across all pages, counted up to ${COUNT_BOUND.toLocaleString('en-GB')}: beyond that, ${COUNT_BOUND.toLocaleString('en-GB')} and totalCountIsExact false.`,
  })
  override totalCount!: number;

  @Field(() => Boolean, {
    description: `Whether totalCount is the exact number; false when more than ${COUNT_BOUND.toLocaleString('en-GB')} incidents match (show it as "${COUNT_BOUND.toLocaleString('en-GB')}+").`,
  })
  totalCountIsExact!: boolean;

  @Field(() => AppliedFilter, { description: 'The filter applied: totalCount counts its incidents (see totalCountIsExact).' })
  filter!: AppliedFilter;
}

@ObjectType({ description: 'What a bulk import did.' })
class IncidentImportResult {
  @Field(() => Int, { description: 'Records added.' })
  imported!: number;

  @Field(() => Int, { description: 'Records skipped because their sourceRef was already stored.' })
  duplicates!: number;

  @Field(() => [String], { description: 'Ids of the records added.' })
  ids!: string[];
}

@ObjectType({ description: 'A police.uk crime category and how many incidents a filter chooses in it.' })
class CrimeCategoryCount {
  @Field(() => String, { description: 'The slug Vigil stores and filters take, e.g. vehicle-crime.' })
  slug!: string;

  @Field(() => String, { description: 'The police.uk label, e.g. Vehicle crime.' })
  label!: string;

  @Field(() => Int, { description: 'Incidents the filter chooses in this category.' })
  incidents!: number;

  @Field(() => AppliedFilter, { description: 'The filter that counted them: the given one with categories = [slug].' })
  filter!: AppliedFilter;
}

@Resolver(() => Incident)
export class IncidentResolver {
  @Authorized()
  @Query(() => [CrimeCategoryCount], {
    description:
      'Every police.uk category, in a fixed order, with the incidents the filter chooses in each (its own `categories` are ignored, so a menu shows what every choice holds).',
  })
  async crimeCategories(
    @Ctx() ctx: Context,
    @Arg('filter', () => IncidentFilter, { nullable: true, description: 'Which incidents to count; all when left out.' })
    filter?: IncidentFilter,
  ): Promise<CrimeCategoryCount[]> {
    const counts = await ctx.reads((em) => categoryCounts(em, filter));
    return counts.map(({ category, incidents, filter }) => ({ slug: category, label: CRIME_CATEGORIES[category], incidents, filter }));
  }

  @Authorized()
  @Query(() => IncidentConnection, { description: 'Incidents, newest first.' })
  async incidents(
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('filter', () => IncidentFilter, { nullable: true, description: 'Which incidents; all when left out.' }) filter?: IncidentFilter,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1–500 (default 100).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the last item of the previous page.' }) after?: string,
  ) {
    // Over HTTP, nodes asked for as plain fields are written by PostgreSQL as the answer's JSON (graphql/raw-json.ts).
    const plain = ctx.rawJson
      ? plainListSelection(info, {
          connectionType: 'IncidentConnection',
          listField: 'nodes',
          itemType: 'Incident',
          leaves: INCIDENT_JSON_FIELDS,
          alongside: ['edges'],
        })
      : null;
    const nodesAs = plain?.fields.every((f) => jsonKeyFits(f.key)) ? plain.fields : null;
    const page = await ctx.reads((em) => listIncidents(em, filter, first, after, nodesAs));
    if (plain && page.nodesJson !== undefined) ctx.rawJson!.add([...responsePath(info), plain.key], page.nodesJson);
    return page;
  }

  @Authorized(Role.ANALYST, Role.PLANNER)
  @Mutation(() => Incident, { description: 'Records one incident; its darkness is worked out from civil twilight at its place and time.' })
  async reportIncident(
    @Arg('input', () => IncidentInput, { description: 'The incident.' }) input: IncidentInput,
    @Ctx() ctx: Context,
  ): Promise<Incident> {
    const incident = await reportIncident(ctx.em, input);
    ctx.pubSub.publish('incidents', { ids: [incident.id] });
    return incident;
  }

  @Authorized(Role.ANALYST, Role.PLANNER)
  @Mutation(() => IncidentImportResult, {
    description:
      'Adds up to 5,000 incidents at once, all or nothing: one bad record and none is added. Records with a known sourceRef are skipped.',
  })
  async importIncidents(
    @Arg('incidents', () => [IncidentInput], { description: 'Up to 5,000 incidents.' }) incidents: IncidentInput[],
    @Ctx() ctx: Context,
  ): Promise<IncidentImportResult> {
    const result = await importIncidents(ctx.em, incidents);
    if (result.ids.length > 0) ctx.pubSub.publish('incidents', { ids: result.ids });
    return result;
  }
}
