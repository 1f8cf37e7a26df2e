import { IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { BBoxInput } from '../graphql/geo-inputs.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { AppliedFilter } from '../incidents/applied-filter.types.js';
import { HateCrimeFlag } from '../incidents/incident.entity.js';
import { IncidentFilter } from '../incidents/incident.inputs.js';
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

  @Field(() => Float, {
    nullable: true,
    description: 'Rate ratio after ÷ before (equal windows); empty when before is 0 (infinite, or 0 ÷ 0).',
  })
  rateRatio!: number | null;

  @Field(() => Float, {
    description:
      'Lower end of the exact 95 % interval of the rate ratio: Clopper–Pearson on the share of the counts falling after, p, mapped to p ÷ (1 − p), as R’s poisson.test. 0 when after is 0.',
  })
  lower95!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Upper end of the exact 95 % interval; empty only where it is infinite, i.e. when before is 0. Finite when after is 0.',
  })
  upper95!: number | null;

  @Field(() => Float, {
    description:
      'Two-sided p-value of the exact conditional (binomial) test of equal Poisson rates: twice the smaller tail of Binomial(before + after, ½), capped at 1 (R’s poisson.test). 1 when both counts are 0.',
  })
  pValue!: number;

  @Field(() => Boolean, { description: 'Whether p < 0.05; exactly when the 95 % interval leaves out 1.' })
  significant!: boolean;

  @Field(() => AppliedFilter, { description: 'The filter that counted before: the trend’s filter over [eventAt − days, eventAt).' })
  beforeFilter!: AppliedFilter;

  @Field(() => AppliedFilter, { description: 'The filter that counted after: the trend’s filter over [eventAt, eventAt + days).' })
  afterFilter!: AppliedFilter;
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

@ObjectType({
  description:
    'Hate crime against one community before and after the event: the trend’s filter with its hate-crime conditions replaced by the community’s flag.',
})
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

  @Field(() => IncidentFilter, {
    nullable: true,
    description:
      'Which incidents make the hot-spot map whose cells hotspotCells doses (categories, hate crime, darkness); all when left out. Its window and area are the report’s (the 28 days before `from`, the report’s area), so give neither.',
  })
  @ValidateNested()
  incidents?: IncidentFilter;
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

  @Field(() => AppliedFilter, { description: 'The filter of the hot-spot map whose cells hotspotCells doses.' })
  hotspotFilter!: AppliedFilter;

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

@ObjectType({ description: 'What a drawn zone would capture of the filter’s incidents, hot spots and sites, without saving it.' })
export class ZonePreview {
  @Field(() => Float, { description: 'Area of the drawn zone, m².' })
  areaSquareMetres!: number;

  @Field(() => Int, { description: 'Incidents of the filter inside the drawn zone: incidents(filter: filter).totalCount.' })
  incidents!: number;

  @Field(() => AppliedFilter, { description: 'The filter that counted incidents: the given one within the drawn zone.' })
  filter!: AppliedFilter;

  @Field(() => Int, { description: 'N: incidents of the filter in the command area (all zones together).' })
  incidentsInCommandArea!: number;

  @Field(() => AppliedFilter, {
    description: 'The filter that counted incidentsInCommandArea and made the hot-spot map: the given one in the command area.',
  })
  commandAreaFilter!: AppliedFilter;

  @Field(() => Float, { description: 'A: area of the command area, m².' })
  commandAreaSquareMetres!: number;

  @Field(() => Float, { description: 'a: area of the drawn zone inside the command area, m².' })
  capturedSquareMetres!: number;

  @Field(() => Int, {
    description:
      'n: incidents of the filter inside both the drawn zone and the command area (= incidents when the zone lies in the command area).',
  })
  capturedIncidents!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      'PAI = (n/N) ÷ (a/A) (Chainey, Tompson & Uhlig 2008): the zone’s share of the command area’s incidents over its share of the command area’s area, both counted inside the command area; empty when N or a is 0.',
  })
  pai!: number | null;

  @Field(() => Int, {
    description: 'Gi* hot cells (250 m squares, HOT_95 or hotter) of the commandAreaFilter map whose centre lies inside the drawn zone.',
  })
  hotCellsCaptured!: number;

  @Field(() => Int, { description: 'Gi* hot cells (250 m squares, HOT_95 or hotter) of the commandAreaFilter map.' })
  hotCellsTotal!: number;

  @Field(() => [SiteCoverage], { description: 'Sites inside, with their coverage over the filter’s window.' })
  sites!: SiteCoverage[];
}

@InputType({
  description:
    'A hot-spot map built on a training period and scored on the incidents of the filter (PAI, hit rate, PEI). The filter’s window is the test period; its area is the study area (the command area when left out).',
})
export class HotspotAccuracyInput {
  @Field(() => IncidentFilter, { description: 'The incidents to score on: from and to (the test period) are required.' })
  @ValidateNested()
  filter!: IncidentFilter;

  @Field(() => Date, {
    nullable: true,
    description: 'Start of the training period (default: as long before trainTo as the test period is long).',
  })
  trainFrom?: Date;

  @Field(() => Date, {
    nullable: true,
    description: 'End of the training period, not after the test period starts (default: the start of the test period).',
  })
  trainTo?: Date;

  @Field(() => Float, {
    nullable: true,
    description:
      'Share of the study area to flag, 0.01–0.5 (default 0.05): the top-scoring cells, taken in order until their area inside the study area reaches it.',
  })
  @IsOptional()
  @Min(0.01)
  @Max(0.5)
  topShare?: number;

  @Field(() => Float, { nullable: true, description: 'Cell size in metres, 25–5,000 (default 250).' })
  @IsOptional()
  @Min(25)
  @Max(5000)
  cellSize?: number;

  @Field(() => CellShape, { nullable: true, description: 'Cell shape (default SQUARE).' })
  shape?: CellShape;

  @Field(() => HotspotMethod, { nullable: true, description: 'How the training map ranks cells (default GI_STAR: by z-score).' })
  method?: HotspotMethod;

  @Field(() => Float, { nullable: true, description: 'KDE bandwidth, metres (as in hotspots).' })
  @IsOptional()
  @Min(50)
  @Max(5000)
  bandwidth?: number;

  @Field(() => Float, { nullable: true, description: 'Gi* neighbourhood, metres (as in hotspots).' })
  @IsOptional()
  @Min(25)
  @Max(10000)
  neighbourhood?: number;
}

@ObjectType({
  description:
    'How well a hot-spot map predicted the next period’s crimes (Chainey, Tompson & Uhlig 2008; Hunt 2016). Areas are of the cells clipped to the study area, so a boundary cell counts only its part inside.',
})
export class HotspotAccuracy {
  @Field(() => AppliedFilter, { description: 'The filter that built the map: the given one over the training period.' })
  trainingFilter!: AppliedFilter;

  @Field(() => AppliedFilter, { description: 'The filter scored on: the given one over the test period (N counts its incidents).' })
  testFilter!: AppliedFilter;

  @Field(() => Int, { description: 'Cells flagged as hot.' })
  cellsFlagged!: number;

  @Field(() => [String], { description: 'Ids of the flagged cells (as in hotspots), hottest first.' })
  flaggedCellIds!: string[];

  @Field(() => Int, { description: 'Cells of the study area.' })
  cellCount!: number;

  @Field(() => Float, { description: 'a: area of the flagged cells inside the study area, m².' })
  flaggedSquareMetres!: number;

  @Field(() => Float, { description: 'A: the study area, m².' })
  studyAreaSquareMetres!: number;

  @Field(() => Float, { description: 'a/A: share of the study area flagged.' })
  areaShare!: number;

  @Field(() => Int, {
    description: 'Incidents in the area in the training period, which built the map: with none, the "hottest" cells are arbitrary.',
  })
  trainingIncidents!: number;

  @Field(() => Int, { description: 'n: test-period crimes inside the flagged cells.' })
  testIncidentsCaptured!: number;

  @Field(() => Int, { description: 'N: test-period crimes in the study area.' })
  testIncidents!: number;

  @Field(() => Float, { description: 'Hit rate n/N (0 when N is 0).' })
  hitRate!: number;

  @Field(() => Float, { nullable: true, description: 'PAI = (n/N) ÷ (a/A); empty when N is 0.' })
  pai!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      'PAI* = (n*/N) ÷ (a/A): the best PAI a map flagging the same area a could reach on the test crimes, n* taking the densest cells first and a part of the last cell pro rata (an upper bound; with whole equal cells, the test crimes in the same number of busiest cells). Empty when N is 0.',
  })
  maxPai!: number | null;

  @Field(() => Float, { nullable: true, description: 'PEI = PAI ÷ PAI* = n ÷ n* (Hunt 2016), from 0 to 1; empty when N is 0.' })
  pei!: number | null;
}
