import { IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, InputType, registerEnumType } from 'type-graphql';
import { IncidentFilter } from '../incidents/incident.inputs.js';

export enum CellShape {
  SQUARE = 'SQUARE',
  HEXAGON = 'HEXAGON',
}
registerEnumType(CellShape, {
  name: 'CellShape',
  description: 'Grid cell shape.',
  valuesConfig: {
    SQUARE: { description: 'Square cells, aligned to the metric grid (ST_SquareGrid).' },
    HEXAGON: {
      description:
        'Flat-topped hexagonal cells (ST_HexagonGrid); cellSize is the edge length, neighbouring centres are √3 × cellSize apart.',
    },
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

@InputType({ description: 'Which incidents (the one incident filter), and how to grid and score them.' })
export class HotspotInput {
  @Field(() => IncidentFilter, {
    description:
      'Which incidents: from and to are required; the area (bbox, within, zoneId or commandArea) is what the grid covers, the command area when left out.',
  })
  @ValidateNested()
  filter!: IncidentFilter;

  @Field(() => Float, { nullable: true, description: 'Cell size in metres, 25–5,000 (default 250): a square’s side, a hexagon’s edge.' })
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
      'Gi* neighbourhood: the distance in metres between cell centres within which cells are neighbours (binary weights, self included), 25–10,000. Default 1.5 × the spacing of neighbouring centres, which reaches the first ring for either shape: 1.5 × cellSize for squares (the 8 around), 1.5 × √3 × cellSize ≈ 2.6 × cellSize for hexagons (the 6 around). At least that spacing (cellSize, or √3 × cellSize for hexagons); a distance equal to a centre spacing includes the cells at it (compared with a relative tolerance of 1e-9, so √3 × cellSize keeps the touching hexagons).',
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
