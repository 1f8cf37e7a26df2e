import { Field, Float, Int, ObjectType } from 'type-graphql';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { AppliedFilter } from '../incidents/applied-filter.types.js';
import { CellShape, Confidence, HotspotMethod } from './hotspot.inputs.js';

@ObjectType({ description: 'One grid cell of a hot-spot map.' })
export class HotspotCell {
  @Field(() => String, {
    description: 'Stable id: shape (s or h), size and grid indices i:j as ST_SquareGrid / ST_HexagonGrid number them, e.g. s250:2109:742.',
  })
  id!: string;

  @Field(() => GeoJSONScalar, { description: 'Cell polygon (GeoJSON, WGS84).' })
  geometry!: unknown;

  @Field(() => Int, { description: 'Incidents in the cell.' })
  count!: number;

  @Field(() => Float, { description: 'Score: the count (COUNT), density per km² (KDE), or the neighbourhood sum Σⱼwᵢⱼxⱼ (GI_STAR).' })
  value!: number;

  @Field(() => Float, { nullable: true, description: 'Gi* z-score; empty for COUNT and KDE, or when all cells are equal.' })
  zScore!: number | null;

  @Field(() => Float, { nullable: true, description: 'Two-sided p-value of the z-score.' })
  pValue!: number | null;

  @Field(() => Confidence, { description: 'Gi* confidence bin.' })
  confidence!: Confidence;
}

@ObjectType({ description: 'The parameters a hot-spot map was computed with, defaults filled in.' })
export class HotspotParameters {
  @Field(() => HotspotMethod, { description: 'Scoring method.' })
  method!: HotspotMethod;

  @Field(() => CellShape, { description: 'Cell shape.' })
  shape!: CellShape;

  @Field(() => Float, { description: 'Cell size in metres.' })
  cellSize!: number;

  @Field(() => Float, { nullable: true, description: 'KDE bandwidth in metres (quartic kernel).' })
  bandwidth!: number | null;

  @Field(() => Float, { nullable: true, description: 'Gi* neighbourhood distance in metres.' })
  neighbourhood!: number | null;

  @Field(() => Boolean, { description: 'Whether the FDR correction was applied.' })
  fdr!: boolean;

  @Field(() => Int, { description: 'EPSG code of the metric CRS the grid was built in.' })
  srid!: number;
}

@ObjectType({ description: 'Totals of a hot-spot map.' })
export class HotspotSummary {
  @Field(() => Int, { description: 'Incidents counted: every incident of the filter, each in exactly one cell.' })
  incidentCount!: number;

  @Field(() => Int, {
    description: 'Cells: those of the grid meeting the area (zero counts included), and any other holding a counted incident.',
  })
  cellCount!: number;

  @Field(() => Float, { description: 'Area analysed (the filter’s area in the metric CRS), in square metres.' })
  areaSquareMetres!: number;

  @Field(() => Int, { description: 'Largest count in a cell.' })
  maxCount!: number;

  @Field(() => Float, { description: 'Mean count per cell.' })
  meanCount!: number;

  @Field(() => Int, { description: 'Cells binned HOT_99.' })
  hot99!: number;

  @Field(() => Int, { description: 'Cells binned HOT_95.' })
  hot95!: number;

  @Field(() => Int, { description: 'Cells binned HOT_90.' })
  hot90!: number;

  @Field(() => Int, { description: 'Cells binned COLD_90, COLD_95 or COLD_99.' })
  cold!: number;
}

@ObjectType({ description: 'A hot-spot map: cells, the filter and parameters used, and totals.' })
export class HotspotResult {
  @Field(() => AppliedFilter, {
    description:
      'The filter that made the map (its window and area filled in): summary.incidentCount = incidents(filter: filter).totalCount.',
  })
  filter!: AppliedFilter;

  @Field(() => HotspotParameters, { description: 'Parameters used.' })
  parameters!: HotspotParameters;

  @Field(() => HotspotSummary, { description: 'Totals.' })
  summary!: HotspotSummary;

  @Field(() => [HotspotCell], { description: 'Every cell of the area, in grid order.' })
  cells!: HotspotCell[];
}
