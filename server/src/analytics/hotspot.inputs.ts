import { IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, registerEnumType } from 'type-graphql';
import { BBoxInput } from '../graphql/geo-inputs.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { HateCrimeFlag } from '../incidents/incident.entity.js';
import { DarknessFilter } from '../incidents/incident.inputs.js';

export enum CellShape {
  SQUARE = 'SQUARE',
  HEXAGON = 'HEXAGON',
}
registerEnumType(CellShape, {
  name: 'CellShape',
  description: 'Grid cell shape.',
  valuesConfig: {
    SQUARE: { description: 'Square cells, aligned to the metric grid (ST_SquareGrid).' },
    HEXAGON: { description: 'Hexagonal cells (ST_HexagonGrid); cellSize is the edge length.' },
  },
});

export enum HotspotMethod {
  COUNT = 'COUNT',
  KDE = 'KDE',
  GI_STAR = 'GI_STAR',
}
registerEnumType(HotspotMethod, {
  name: 'HotspotMethod',
  description: 'How cells are scored.',
  valuesConfig: {
    COUNT: { description: 'Incidents per cell.' },
    KDE: { description: 'Kernel density at the cell centre, quartic kernel, in incidents per km².' },
    GI_STAR: { description: 'Getis–Ord Gi* z-score of the cell counts, binary weights within the neighbourhood distance.' },
  },
});

export enum Confidence {
  HOT_99 = 'HOT_99',
  HOT_95 = 'HOT_95',
  HOT_90 = 'HOT_90',
  NOT_SIGNIFICANT = 'NOT_SIGNIFICANT',
  COLD_90 = 'COLD_90',
  COLD_95 = 'COLD_95',
  COLD_99 = 'COLD_99',
}
registerEnumType(Confidence, {
  name: 'Confidence',
  description: 'Gi* bin: |z| > 2.58 → 99 %, > 1.96 → 95 %, > 1.65 → 90 % (or the FDR-corrected thresholds).',
  valuesConfig: {
    HOT_99: { description: 'Hot spot, 99 % confidence.' },
    HOT_95: { description: 'Hot spot, 95 % confidence.' },
    HOT_90: { description: 'Hot spot, 90 % confidence.' },
    NOT_SIGNIFICANT: { description: 'Not statistically significant (and every cell of a COUNT or KDE map).' },
    COLD_90: { description: 'Cold spot, 90 % confidence.' },
    COLD_95: { description: 'Cold spot, 95 % confidence.' },
    COLD_99: { description: 'Cold spot, 99 % confidence.' },
  },
});

@InputType({ description: 'Which incidents, over which area, scored how.' })
export class HotspotInput {
  @Field(() => [String], { nullable: true, description: 'police.uk category slugs; all when left out.' })
  categories?: string[];

  @Field(() => Date, { description: 'Start of the period.' })
  from!: Date;

  @Field(() => Date, { description: 'End of the period.' })
  to!: Date;

  @Field(() => DarknessFilter, { nullable: true, description: 'After dark, daylight, unknown or any (default).' })
  darkness?: DarknessFilter;

  @Field(() => Boolean, { nullable: true, description: 'Only hate crime (true) or only other incidents (false).' })
  hateCrime?: boolean;

  @Field(() => [HateCrimeFlag], { nullable: true, description: 'Only incidents with any of these hate-crime flags.' })
  hateCrimeFlags?: HateCrimeFlag[];

  @Field(() => BBoxInput, {
    nullable: true,
    description: 'Area: a box. One of bbox, within, zoneId; the whole command area (all zones) when none.',
  })
  @ValidateNested()
  bbox?: BBoxInput;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'Area: a Polygon or MultiPolygon (GeoJSON, WGS84).' })
  within?: unknown;

  @Field(() => ID, { nullable: true, description: 'Area: a patrol zone.' })
  zoneId?: string;

  @Field(() => Float, { nullable: true, description: 'Cell size in metres, 25–5,000 (default 250).' })
  @IsOptional()
  @Min(25)
  @Max(5000)
  cellSize?: number;

  @Field(() => CellShape, { nullable: true, description: 'SQUARE (default) or HEXAGON.' })
  shape?: CellShape;

  @Field(() => HotspotMethod, { nullable: true, description: 'COUNT, KDE or GI_STAR (default).' })
  method?: HotspotMethod;

  @Field(() => Float, { nullable: true, description: 'KDE bandwidth in metres, 50–5,000 (default 2 × cellSize).' })
  @IsOptional()
  @Min(50)
  @Max(5000)
  bandwidth?: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'Gi* neighbourhood distance in metres between cell centres, self included (default 1.5 × cellSize: the 8 touching squares).',
  })
  @IsOptional()
  @Min(25)
  @Max(10000)
  neighbourhood?: number;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Apply the false discovery rate correction to Gi* bins, as ArcGIS does (default false).',
  })
  fdr?: boolean;
}
