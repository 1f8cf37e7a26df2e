import { IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { BBoxInput } from '../graphql/geo-inputs.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { HateCrimeFlag } from '../incidents/incident.entity.js';
import { DarknessFilter } from '../incidents/incident.inputs.js';
import { Site } from '../sites/site.entity.js';
import { PatrolZone } from '../zones/patrol-zone.entity.js';
import type { CoverageParts } from './coverage.parts.js';
import { CellShape, HotspotMethod } from './hotspot.inputs.js';
import { HotspotCell } from './hotspot.types.js';

@ObjectType({ description: 'Counts in two equal windows and the exact Poisson rate test between them.' })
export class RateComparison {
  @Field(() => Int, { description: 'Incidents in the window before the event.' })
  before!: number;

  @Field(() => Int, { description: 'Incidents in the window after the event.' })
  after!: number;

  @Field(() => Float, { nullable: true, description: 'after ÷ before; empty when before is 0 and after is not.' })
  rateRatio!: number | null;

  @Field(() => Float, { description: 'Lower end of the 95 % interval of the rate ratio (log-normal).' })
  lower95!: number;

  @Field(() => Float, { nullable: true, description: 'Upper end of the 95 % interval; empty when unbounded.' })
  upper95!: number | null;

  @Field(() => Float, { description: 'Two-sided p-value of the exact conditional (binomial) test of equal Poisson rates.' })
  pValue!: number;

  @Field(() => Boolean, { description: 'Whether p < 0.05.' })
  significant!: boolean;
}

@ObjectType({ description: 'Incidents on one day of the series.' })
export class DailyCount {
  @Field(() => Date, { description: 'Start of the day (days are counted from the event instant).' })
  day!: Date;

  @Field(() => Int, { description: 'Incidents that day.' })
  count!: number;

  @Field(() => Boolean, { description: 'Whether the day is after the event.' })
  afterEvent!: boolean;
}

@ObjectType({ description: 'Hate crime against one community before and after the event.' })
export class CommunityTrend extends RateComparison {
  @Field(() => String, { description: 'Community, e.g. Jewish.' })
  community!: string;

  @Field(() => HateCrimeFlag, { description: 'The flag counted.' })
  flag!: HateCrimeFlag;
}

@ObjectType({ description: 'Before and after an event: daily counts, rate ratio, interval and significance.' })
export class IncidentTrend extends RateComparison {
  @Field(() => Date, { description: 'The event.' })
  eventAt!: Date;

  @Field(() => Int, { description: 'Days in each window (shortened when fewer have passed since the event).' })
  days!: number;

  @Field(() => [DailyCount], { description: 'Counts per day, before then after.' })
  daily!: DailyCount[];

  @Field(() => [CommunityTrend], { description: 'The same test for hate crime per community (antisemitic, anti-Muslim).' })
  byCommunity!: CommunityTrend[];
}

@InputType({ description: 'The window and area of a coverage report.' })
export class CoverageInput {
  @Field(() => Date, { description: 'Start of the window.' })
  from!: Date;

  @Field(() => Date, { description: 'End of the window, at most 31 days after the start.' })
  to!: Date;

  @Field(() => ID, { nullable: true, description: 'Only this zone.' })
  zoneId?: string;

  @Field(() => BBoxInput, { nullable: true, description: 'Only this box.' })
  @ValidateNested()
  bbox?: BBoxInput;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'Only this Polygon or MultiPolygon.' })
  within?: unknown;
}

@ObjectType({ description: 'A site against its required visits over the window.' })
export class SiteCoverage {
  @Field(() => Site, { description: 'The site.' })
  site!: Site;

  @Field(() => Float, { description: 'Visits required: visits per day × days on the list in the window.' })
  requiredVisits!: number;

  @Field(() => Int, { description: 'Visits made (entered in the window).' })
  achievedVisits!: number;

  @Field(() => Float, { nullable: true, description: 'Visits achieved ÷ visits required; empty when none required.' })
  compliance!: number | null;

  @Field(() => Float, { description: 'Dosage: total visit minutes in the window.' })
  dosageMinutes!: number;

  @Field(() => Int, { description: 'Visits of 10–16 minutes (Koper curve).' })
  koperCompliantVisits!: number;

  @Field(() => Date, { nullable: true, description: 'End of the last visit before the window ended.' })
  lastVisitAt!: Date | null;

  @Field(() => Boolean, { description: 'No visit for longer than 24 h ÷ required visits per day at the end of the window.' })
  overdue!: boolean;
}

@ObjectType({ description: 'How much of a zone the patrols reached.' })
export class ZoneCoverage {
  @Field(() => PatrolZone, { description: 'The zone.' })
  zone!: PatrolZone;

  @Field(() => Float, { description: 'Zone area, m².' })
  areaSquareMetres!: number;

  @Field(() => Float, { description: 'Area within r metres of a patrol path in the window, m².' })
  coveredSquareMetres!: number;

  @Field(() => Float, {
    description:
      'Covered share (area definition): the share of the zone’s area within r metres (VISIT_RADIUS_METRES) of any unit’s path in the window, the path joining consecutive fixes less than g (VISIT_GAP_SECONDS) apart.',
  })
  coveredShare!: number;
}

@ObjectType({ description: 'Patrol minutes spent in a hot-spot cell.' })
export class CellDosage {
  @Field(() => HotspotCell, { description: 'A HOT_95 or HOT_99 cell of the Gi* map (250 m) of the 28 days before the window.' })
  cell!: HotspotCell;

  @Field(() => Float, { description: 'Minutes units spent in the cell in the window (each fix counts until the next, at most g).' })
  dosageMinutes!: number;
}

@ObjectType({ description: 'Totals of a coverage report.' })
export class CoverageTotals {
  @Field(() => Int, { description: 'Sites in the area.' })
  sites!: number;

  @Field(() => Float, { description: 'Visits required, all sites.' })
  requiredVisits!: number;

  @Field(() => Int, { description: 'Visits achieved, all sites.' })
  achievedVisits!: number;

  @Field(() => Float, { nullable: true, description: 'Achieved ÷ required, all sites.' })
  compliance!: number | null;

  @Field(() => Float, { description: 'Visit minutes at all sites.' })
  dosageMinutes!: number;

  @Field(() => Int, { description: 'Koper-compliant visits (10–16 min), all sites.' })
  koperCompliantVisits!: number;

  @Field(() => Int, { description: 'Sites overdue at the end of the window.' })
  overdueSites!: number;

  /** Resolved on demand (coverage.resolver.ts): it needs the zones' path buffers, the costly part. */
  parts!: CoverageParts;
}

@ObjectType({ description: 'Patrol coverage over a window: sites, zones, hot-spot cells and totals.' })
export class CoverageReport {
  @Field(() => Date, { description: 'Start of the window.' })
  from!: Date;

  @Field(() => Date, { description: 'End of the window.' })
  to!: Date;

  /** Sites, zones, hot-spot cells and totals are field resolvers (coverage.resolver.ts): each computed only when asked for. */
  parts!: CoverageParts;
}

@ObjectType({ description: 'A site past its due time.' })
export class OverdueSite {
  @Field(() => Site, { description: 'The site.' })
  site!: Site;

  @Field(() => Date, { nullable: true, description: 'End of its last visit; empty if never visited.' })
  lastVisitAt!: Date | null;

  @Field(() => Date, { description: 'When it became overdue.' })
  dueBy!: Date;

  @Field(() => Float, { description: 'Minutes overdue.' })
  overdueMinutes!: number;
}

@ObjectType({ description: 'What a drawn zone would capture, without saving it.' })
export class ZonePreview {
  @Field(() => Float, { description: 'Area of the drawn zone, m².' })
  areaSquareMetres!: number;

  @Field(() => Int, { description: 'Incidents inside it in the window.' })
  incidents!: number;

  @Field(() => Int, { description: 'Incidents in the whole command area (all zones) in the window.' })
  incidentsInCommandArea!: number;

  @Field(() => Float, { description: 'Area of the command area, m².' })
  commandAreaSquareMetres!: number;

  @Field(() => Float, { nullable: true, description: 'PAI = (n/N) ÷ (a/A) against the command area.' })
  pai!: number | null;

  @Field(() => Int, { description: 'Gi* hot cells (250 m, HOT_95+) of the command area whose centre lies inside.' })
  hotCellsCaptured!: number;

  @Field(() => Int, { description: 'Gi* hot cells in the command area.' })
  hotCellsTotal!: number;

  @Field(() => [SiteCoverage], { description: 'Sites inside, with their coverage over the window.' })
  sites!: SiteCoverage[];
}

@InputType({ description: 'A hot-spot map built on a training period, scored on the test period after it.' })
export class HotspotAccuracyInput {
  @Field(() => Date, { description: 'Start of the training period.' })
  trainFrom!: Date;

  @Field(() => Date, { description: 'End of the training period.' })
  trainTo!: Date;

  @Field(() => Date, { description: 'Start of the test period (not before trainTo).' })
  testFrom!: Date;

  @Field(() => Date, { description: 'End of the test period.' })
  testTo!: Date;

  @Field(() => Float, { nullable: true, description: 'Share of the area flagged: the top-scoring cells, 0.01–0.5 (default 0.05).' })
  @IsOptional()
  @Min(0.01)
  @Max(0.5)
  topShare?: number;

  @Field(() => [String], { nullable: true, description: 'police.uk category slugs.' })
  categories?: string[];

  @Field(() => DarknessFilter, { nullable: true, description: 'After dark, daylight, unknown or any.' })
  darkness?: DarknessFilter;

  @Field(() => Boolean, { nullable: true, description: 'Only hate crime (true) or only other incidents (false).' })
  hateCrime?: boolean;

  @Field(() => BBoxInput, { nullable: true, description: 'Area: a box.' })
  @ValidateNested()
  bbox?: BBoxInput;

  @Field(() => GeoJSONScalar, { nullable: true, description: 'Area: a polygon.' })
  within?: unknown;

  @Field(() => ID, { nullable: true, description: 'Area: a zone.' })
  zoneId?: string;

  @Field(() => Float, { nullable: true, description: 'Cell size in metres, 25–5,000 (default 250).' })
  @IsOptional()
  @Min(25)
  @Max(5000)
  cellSize?: number;

  @Field(() => CellShape, { nullable: true, description: 'Cell shape (default SQUARE).' })
  shape?: CellShape;

  @Field(() => HotspotMethod, { nullable: true, description: 'How the training map ranks cells (default GI_STAR).' })
  method?: HotspotMethod;

  @Field(() => Float, { nullable: true, description: 'KDE bandwidth, metres, 50–5,000.' })
  @IsOptional()
  @Min(50)
  @Max(5000)
  bandwidth?: number;

  @Field(() => Float, { nullable: true, description: 'Gi* neighbourhood, metres, 25–10,000.' })
  @IsOptional()
  @Min(25)
  @Max(10000)
  neighbourhood?: number;
}

@ObjectType({ description: 'How well a hot-spot map predicted the next period’s crimes.' })
export class HotspotAccuracy {
  @Field(() => Int, { description: 'Cells flagged as hot.' })
  cellsFlagged!: number;

  @Field(() => Int, { description: 'Cells in the area.' })
  cellCount!: number;

  @Field(() => Float, { description: 'a/A: share of the area flagged.' })
  areaShare!: number;

  @Field(() => Int, {
    description: 'Incidents in the area in the training period, which built the map: with none, the "hottest" cells are arbitrary.',
  })
  trainingIncidents!: number;

  @Field(() => Int, { description: 'n: test-period crimes inside the flagged cells.' })
  testIncidentsCaptured!: number;

  @Field(() => Int, { description: 'N: test-period crimes in the area.' })
  testIncidents!: number;

  @Field(() => Float, { description: 'Hit rate n/N.' })
  hitRate!: number;

  @Field(() => Float, { nullable: true, description: 'PAI = (n/N) ÷ (a/A).' })
  pai!: number | null;

  @Field(() => Float, { nullable: true, description: 'Best PAI achievable with as many cells.' })
  maxPai!: number | null;

  @Field(() => Float, { nullable: true, description: 'PEI = PAI ÷ max PAI.' })
  pei!: number | null;
}
