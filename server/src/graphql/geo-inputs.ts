import { Max, Min } from 'class-validator';
import { Field, Float, InputType } from 'type-graphql';

@InputType({ description: 'A longitude/latitude box (WGS84), west < east, south < north.' })
export class BBoxInput {
  @Field(() => Float, { description: 'Western edge: longitude, -180 to 180.' })
  @Min(-180)
  @Max(180)
  west!: number;

  @Field(() => Float, { description: 'Southern edge: latitude, -90 to 90.' })
  @Min(-90)
  @Max(90)
  south!: number;

  @Field(() => Float, { description: 'Eastern edge: longitude, -180 to 180.' })
  @Min(-180)
  @Max(180)
  east!: number;

  @Field(() => Float, { description: 'Northern edge: latitude, -90 to 90.' })
  @Min(-90)
  @Max(90)
  north!: number;
}
