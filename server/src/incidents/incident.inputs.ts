import { ArrayMaxSize, IsOptional, Length, MaxLength, ValidateNested } from 'class-validator';
import { Field, ID, InputType, registerEnumType } from 'type-graphql';
import { BBoxInput } from '../graphql/geo-inputs.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { HateCrimeFlag, TimePrecision } from './incident.entity.js';

export enum DarknessFilter {
  DARK = 'DARK',
  LIGHT = 'LIGHT',
  UNKNOWN = 'UNKNOWN',
  ANY = 'ANY',
}
registerEnumType(DarknessFilter, {
  name: 'DarknessFilter',
  description: 'After dark (between civil dusk and civil dawn), in daylight, unknown (month-precision records), or any.',
  valuesConfig: {
    DARK: { description: 'Only after dark.' },
    LIGHT: { description: 'Only in daylight.' },
    UNKNOWN: { description: 'Only incidents known to the month.' },
    ANY: { description: 'All incidents.' },
  },
});

@InputType({
  description:
    'Which incidents: the one filter behind every figure that counts incidents (incidents, crimeCategories, hotspots, hotspotAccuracy, incidentTrend, previewZone and the hot-spot dosage of coverage). All conditions must hold; a field left out does not filter. Each operation says what it does with the window and the area: some need a window (hotspots, hotspotAccuracy, previewZone), some set it themselves and refuse one (incidentTrend, coverage), and where an operation sets the area it refuses one here (previewZone, coverage). Every result echoes the filter it applied as AppliedFilter.',
})
export class IncidentFilter {
  @Field(() => BBoxInput, {
    nullable: true,
    description: 'Area: only incidents inside this box (edges included). At most one of bbox, within, zoneId, commandArea.',
  })
  @ValidateNested()
  bbox?: BBoxInput;

  @Field(() => GeoJSONScalar, {
    nullable: true,
    description: 'Area: only incidents inside this Polygon or MultiPolygon (GeoJSON, WGS84; its boundary included).',
  })
  within?: unknown;

  @Field(() => ID, { nullable: true, description: 'Area: only incidents inside this patrol zone (its boundary included).' })
  zoneId?: string;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Area: true for only incidents inside the command area, the union of all patrol zones. With no area at all, lists (incidents, crimeCategories, incidentTrend) count incidents anywhere, while grids (hotspots, hotspotAccuracy) need an area and take the command area.',
  })
  commandArea?: boolean;

  @Field(() => [String], {
    nullable: true,
    description: 'Only these police.uk category slugs, e.g. vehicle-crime; all when left out or empty.',
  })
  @IsOptional()
  @ArrayMaxSize(20)
  categories?: string[];

  @Field(() => Date, { nullable: true, description: 'Window: only incidents at or after this time.' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Window: only incidents before this time.' })
  to?: Date;

  @Field(() => DarknessFilter, {
    nullable: true,
    description:
      'After dark (between civil dusk and civil dawn at the place), daylight, unknown (month-precision records), or any (default).',
  })
  darkness?: DarknessFilter;

  @Field(() => Boolean, { nullable: true, description: 'true: only hate crime (any flag); false: only incidents without a flag.' })
  hateCrime?: boolean;

  @Field(() => [HateCrimeFlag], { nullable: true, description: 'Only incidents with any of these hate-crime flags.' })
  @IsOptional()
  @ArrayMaxSize(7)
  hateCrimeFlags?: HateCrimeFlag[];
}

@InputType({ description: 'A recorded crime or event to add.' })
export class IncidentInput {
  @Field(() => String, { description: 'police.uk category slug, e.g. vehicle-crime.' })
  @Length(1, 60)
  category!: string;

  @Field(() => Date, { description: 'When it happened (for MONTH precision, any time in the month).' })
  occurredAt!: Date;

  @Field(() => TimePrecision, { nullable: true, description: 'EXACT (default) or MONTH.' })
  occurredPrecision?: TimePrecision;

  @Field(() => GeoJSONScalar, { description: 'Where: a GeoJSON Point (WGS84).' })
  location!: unknown;

  @Field(() => [HateCrimeFlag], { nullable: true, description: 'Hate-crime flags, if any.' })
  @IsOptional()
  @ArrayMaxSize(7)
  hateCrimeFlags?: HateCrimeFlag[];

  @Field(() => String, { nullable: true, description: 'What happened, up to 2,000 characters.' })
  @IsOptional()
  @MaxLength(2000)
  description?: string;

  @Field(() => String, { nullable: true, description: 'Location label, up to 200 characters.' })
  @IsOptional()
  @MaxLength(200)
  locationName?: string;

  @Field(() => String, { nullable: true, description: 'Where the record comes from (default: report / import), up to 60 characters.' })
  @IsOptional()
  @Length(1, 60)
  source?: string;

  @Field(() => String, {
    nullable: true,
    description: 'Identifier in the source system; a record with a known one is not added twice. Up to 200 characters.',
  })
  @IsOptional()
  @Length(1, 200)
  sourceRef?: string;
}
