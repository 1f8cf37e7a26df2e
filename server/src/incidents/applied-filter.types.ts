import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { HateCrimeFlag } from './incident.entity.js';
import { DarknessFilter } from './incident.inputs.js';
import { FilterArea } from './incident-filter.js';

registerEnumType(FilterArea, {
  name: 'FilterArea',
  description: 'Which area a filter counted incidents in.',
  valuesConfig: {
    ANYWHERE: { description: 'No area: incidents anywhere.' },
    BBOX: { description: 'The box in bbox.' },
    POLYGON: { description: 'The Polygon or MultiPolygon in within.' },
    ZONE: { description: 'The patrol zone zoneId.' },
    COMMAND_AREA: { description: 'The command area: the union of all patrol zones.' },
  },
});

@ObjectType('BBox', { description: 'A longitude/latitude box (WGS84).' })
export class BBoxValue {
  @Field(() => Float, { description: 'Western edge (longitude).' })
  west!: number;

  @Field(() => Float, { description: 'Southern edge (latitude).' })
  south!: number;

  @Field(() => Float, { description: 'Eastern edge (longitude).' })
  east!: number;

  @Field(() => Float, { description: 'Northern edge (latitude).' })
  north!: number;
}

@ObjectType({
  description:
    'The incident filter that made a figure, with the defaults and the operation’s own window or area filled in. Its fields are those of IncidentFilter, so (without area and description) it can be sent back as one: incidents(filter: …) then counts exactly the incidents behind the figure.',
})
export class AppliedFilter {
  @Field(() => [String], { nullable: true, description: 'Category slugs counted; empty when all categories are.' })
  categories!: string[] | null;

  @Field(() => Boolean, { nullable: true, description: 'true: hate crime only; false: no hate crime; empty: either.' })
  hateCrime!: boolean | null;

  @Field(() => [HateCrimeFlag], { nullable: true, description: 'Only incidents with any of these flags; empty when not filtered.' })
  hateCrimeFlags!: HateCrimeFlag[] | null;

  @Field(() => DarknessFilter, { description: 'Darkness counted (ANY when not filtered).' })
  darkness!: DarknessFilter;

  @Field(() => Date, { nullable: true, description: 'Window start (inclusive); empty when open.' })
  from!: Date | null;

  @Field(() => Date, { nullable: true, description: 'Window end (exclusive); empty when open.' })
  to!: Date | null;

  @Field(() => FilterArea, { description: 'Which kind of area was applied.' })
  area!: FilterArea;

  @Field(() => BBoxValue, { nullable: true, description: 'The box, when area is BBOX.' })
  bbox!: BBoxValue | null;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'The polygon (GeoJSON, WGS84), when area is POLYGON.' })
  within!: unknown;

  @Field(() => ID, { nullable: true, description: 'The zone, when area is ZONE.' })
  zoneId!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'true when area is COMMAND_AREA.' })
  commandArea!: boolean | null;

  @Field(() => String, {
    description:
      'The filter in words, for a legend or a panel, e.g. "Vehicle crime, after dark, in the command area, 1 Oct 2026 00:00 to 29 Oct 2026 00:00".',
  })
  description!: string;
}
