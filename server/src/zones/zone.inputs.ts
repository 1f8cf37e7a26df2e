import { ArrayMaxSize, IsOptional, Length, Max, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { GeoJSONScalar } from '../graphql/scalars.js';

@InputType({ description: 'A patrol zone to create.' })
export class CreateZoneInput {
  @Field(() => String, { description: 'Name, 1–200 characters.' })
  @Length(1, 200)
  name!: string;

  @Field(() => GeoJSONScalar, { description: 'Boundary: a valid GeoJSON Polygon or MultiPolygon (WGS84), at most 20,000 vertices.' })
  boundary!: unknown;

  @Field(() => String, { nullable: true, description: 'Borough, up to 100 characters.' })
  @IsOptional()
  @Length(1, 100)
  borough?: string;

  @Field(() => Int, { nullable: true, description: 'Target patrol minutes per day, 0–1440.' })
  @IsOptional()
  @Min(0)
  @Max(1440)
  targetMinutesPerDay?: number;

  @Field(() => [ID], { nullable: true, description: 'Units assigned to the zone.' })
  @IsOptional()
  @ArrayMaxSize(100)
  unitIds?: string[];
}

@InputType({ description: 'Changes to a patrol zone; fields left out stay as they are.' })
export class UpdateZoneInput {
  @Field(() => String, { nullable: true, description: 'Name, 1–200 characters.' })
  @IsOptional()
  @Length(1, 200)
  name?: string;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'New boundary: a valid GeoJSON Polygon or MultiPolygon (WGS84).' })
  boundary?: unknown;

  @Field(() => String, { nullable: true, description: 'Borough, up to 100 characters.' })
  @IsOptional()
  @Length(1, 100)
  borough?: string;

  @Field(() => Int, { nullable: true, description: 'Target patrol minutes per day, 0–1440.' })
  @IsOptional()
  @Min(0)
  @Max(1440)
  targetMinutesPerDay?: number;

  @Field(() => [ID], { nullable: true, description: 'Units assigned to the zone (replaces the list).' })
  @IsOptional()
  @ArrayMaxSize(100)
  unitIds?: string[];
}
