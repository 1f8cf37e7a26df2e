import { IsOptional, Length, MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { SiteKind } from '../sites/site.entity.js';

@InputType({ description: '"Let us know and we will add it to the list": a request for reassurance visits.' })
export class VisitRequestInput {
  @Field(() => String, { description: 'Name of the place, 1–200 characters.' })
  @Length(1, 200)
  placeName!: string;

  @Field(() => SiteKind, { description: 'Kind of place.' })
  kind!: SiteKind;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'Where the place is, if known: a GeoJSON Point (WGS84).' })
  location?: unknown;

  @Field(() => String, { nullable: true, description: 'Address, up to 300 characters.' })
  @IsOptional()
  @MaxLength(300)
  address?: string;

  @Field(() => String, { nullable: true, description: 'Community served, up to 100 characters.' })
  @IsOptional()
  @MaxLength(100)
  community?: string;

  @Field(() => String, { description: 'Who is asking, 1–200 characters.' })
  @Length(1, 200)
  requesterName!: string;

  @Field(() => String, { nullable: true, description: 'Why visits are wanted, up to 2,000 characters.' })
  @IsOptional()
  @MaxLength(2000)
  reason?: string;
}
