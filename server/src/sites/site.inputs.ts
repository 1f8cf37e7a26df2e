import { IsOptional, Length, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { BBoxInput } from '../graphql/geo-inputs.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { RiskLevel, SiteKind } from './site.entity.js';

@InputType({ description: 'Which sites to list. All conditions must hold.' })
export class SiteFilter {
  @Field(() => BBoxInput, { nullable: true, description: 'Only sites inside this box.' })
  @ValidateNested()
  bbox?: BBoxInput;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'Only sites inside this Polygon or MultiPolygon (GeoJSON, WGS84).' })
  within?: unknown;

  @Field(() => [SiteKind], { nullable: true, description: 'Only these kinds.' })
  kinds?: SiteKind[];

  @Field(() => RiskLevel, { nullable: true, description: 'Only sites at this risk level or higher.' })
  minRisk?: RiskLevel;

  @Field(() => ID, { nullable: true, description: 'Only sites inside this patrol zone.' })
  zoneId?: string;

  @Field(() => Boolean, { nullable: true, description: 'Include archived sites (default: no).' })
  includeArchived?: boolean;
}

@InputType({ description: 'A new site for the patrol list.' })
export class CreateSiteInput {
  @Field(() => String, { description: 'Name, 1–200 characters.' })
  @Length(1, 200)
  name!: string;

  @Field(() => SiteKind, { description: 'Kind of place.' })
  kind!: SiteKind;

  @Field(() => GeoJSONScalar, { description: 'Location: a GeoJSON Point (WGS84).' })
  location!: unknown;

  @Field(() => RiskLevel, { description: 'Assessed risk.' })
  riskLevel!: RiskLevel;

  @Field(() => Int, { description: 'Visits required per day, 0–48 (high-risk sites: 2).' })
  @Min(0)
  @Max(48)
  requiredVisitsPerDay!: number;

  @Field(() => String, { nullable: true, description: 'Community served, up to 100 characters.' })
  @IsOptional()
  @MaxLength(100)
  community?: string;

  @Field(() => String, { nullable: true, description: 'Who asked for it, up to 200 characters.' })
  @IsOptional()
  @MaxLength(200)
  requestedBy?: string;

  @Field(() => Date, { nullable: true, description: 'Start of the period on the list (default now).' })
  activeFrom?: Date;

  @Field(() => Date, { nullable: true, description: 'End of the period on the list (default open-ended).' })
  activeTo?: Date;
}

@InputType({ description: 'Changes to a site; fields left out stay as they are.' })
export class UpdateSiteInput {
  @Field(() => String, { nullable: true, description: 'Name, 1–200 characters.' })
  @IsOptional()
  @Length(1, 200)
  name?: string;

  @Field(() => SiteKind, { nullable: true, description: 'Kind of place.' })
  kind?: SiteKind;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'Location: a GeoJSON Point (WGS84).' })
  location?: unknown;

  @Field(() => RiskLevel, { nullable: true, description: 'Assessed risk.' })
  riskLevel?: RiskLevel;

  @Field(() => Int, { nullable: true, description: 'Visits required per day, 0–48.' })
  @IsOptional()
  @Min(0)
  @Max(48)
  requiredVisitsPerDay?: number;

  @Field(() => String, { nullable: true, description: 'Community served, up to 100 characters.' })
  @IsOptional()
  @MaxLength(100)
  community?: string;

  @Field(() => Date, { nullable: true, description: 'Start of the period on the list.' })
  activeFrom?: Date;

  @Field(() => Date, { nullable: true, description: 'End of the period on the list.' })
  activeTo?: Date;
}
