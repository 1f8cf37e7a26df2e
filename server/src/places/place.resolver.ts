import { Arg, Authorized, Ctx, Field, Float, ID, Int, ObjectType, Query, Resolver, registerEnumType } from 'type-graphql';
import type { Context } from '../graphql/context.js';
import { BBoxValue } from '../incidents/applied-filter.types.js';
import { MAX_RESULTS, type PlaceKind, searchPlaces } from './place-search.js';

const PlaceKinds = { PLACE: 'PLACE', WARD: 'WARD', ZONE: 'ZONE', SITE: 'SITE', STREET: 'STREET' } as const satisfies Record<
  PlaceKind,
  PlaceKind
>;
registerEnumType(PlaceKinds, {
  name: 'PlaceKind',
  description: 'Where a place name comes from.',
  valuesConfig: {
    PLACE: { description: 'A named neighbourhood, green, station or landmark of the command area (the gazetteer).' },
    WARD: { description: 'A ward (a patrol zone made from a ward boundary).' },
    ZONE: { description: 'A patrol zone drawn by a planner.' },
    SITE: { description: 'A site on the patrol list.' },
    STREET: { description: 'A street from the police.uk "On or near …" location labels of incidents.' },
  },
});

@ObjectType({ description: 'A place found by name, with where to show it.' })
class Place {
  @Field(() => PlaceKinds, { description: 'Where the name comes from.' })
  kind!: PlaceKind;

  @Field(() => String, { description: 'The name, e.g. South End Green, Belsize, Fleet Road.' })
  name!: string;

  @Field(() => String, { description: 'What it is, in words, e.g. "Neighbourhood, Camden".' })
  detail!: string;

  @Field(() => Float, { description: 'Longitude of a point to show (WGS84): inside the area for wards and zones.' })
  longitude!: number;

  @Field(() => Float, { description: 'Latitude of that point (WGS84).' })
  latitude!: number;

  @Field(() => BBoxValue, { nullable: true, description: 'Extent of an area (wards and zones), to fit the map to.' })
  bbox!: BBoxValue | null;

  @Field(() => ID, { nullable: true, description: 'Id of the site or zone found.' })
  id!: string | null;
}

@Resolver()
export class PlaceResolver {
  @Authorized()
  @Query(() => [Place], {
    description:
      'Places in the command area by name: named places, wards and zones, sites and streets; best matches first. Site results are audited reads.',
  })
  async places(
    @Ctx() ctx: Context,
    @Arg('search', () => String, { description: 'Part of a name, 2–100 characters, e.g. "south end".' }) search: string,
    @Arg('first', () => Int, { nullable: true, description: `At most this many (1–${MAX_RESULTS}, default 8).` }) first?: number,
  ): Promise<Place[]> {
    const found = await searchPlaces(ctx.em, search, first ?? 8);
    const siteIds = found.filter((p) => p.kind === 'SITE').map((p) => p.id!);
    // A site's location is sensitive wherever it is read: noted for the operation's one audit line (audit/site-reads.ts).
    for (const id of siteIds) ctx.siteReads.add(id);
    return found;
  }
}
