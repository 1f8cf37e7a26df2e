import { ArrayMaxSize, ArrayMinSize, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { IncidentFilter } from '../incidents/incident.inputs.js';
import { ActivityKind } from '../patrols/activity.entity.js';
import { KOPER_MAX_MINUTES, KOPER_MIN_MINUTES, MAX_DOSAGE_CELLS, MAX_PLAN_UNITS } from './rules.js';
import { TravelMethod } from './travel.js';

@InputType({ description: 'Hot-spot dosage to plan: stops at the top Gi* cells of the incidents a filter chooses.' })
export class PlanDosageInput {
  @Field(() => IncidentFilter, {
    description:
      'Which incidents make the hot spots (e.g. vehicle-crime, DARK). Period: the 28 days before the shift when from/to are left out; area: the units’ zones when none is given. DARK plans the stops between civil dusk and dawn, LIGHT between dawn and dusk.',
  })
  @ValidateNested()
  filter!: IncidentFilter;

  @Field(() => Int, { nullable: true, description: `Top Gi* hot cells (95 % or more) to dose, 1–${MAX_DOSAGE_CELLS} (default 3).` })
  @IsOptional()
  @Min(1)
  @Max(MAX_DOSAGE_CELLS)
  cells?: number;

  @Field(() => Int, {
    nullable: true,
    description: `Minutes of each stop at a cell, ${KOPER_MIN_MINUTES}–${KOPER_MAX_MINUTES} (Koper; default 12). The unit returns at most every 2 hours.`,
  })
  @IsOptional()
  @Min(KOPER_MIN_MINUTES)
  @Max(KOPER_MAX_MINUTES)
  minutes?: number;

  @Field(() => ActivityKind, {
    nullable: true,
    description: 'What to do at the cells (default STREET_BRIEFING; LETTER_DROP for vehicle crime).',
  })
  activity?: ActivityKind;
}

@InputType({ description: 'A stated window for one visit of a site: the site gets one visit in each window given for it.' })
export class PlanVisitWindowInput {
  @Field(() => ID, { description: 'The site.' })
  siteId!: string;

  @Field(() => Date, { description: 'The visit starts at or after this.' })
  from!: Date;

  @Field(() => Date, { description: 'The visit starts at or before this.' })
  to!: Date;
}

@InputType({ description: 'What to plan: units, a shift, and optionally a start, hot-spot dosage and stated windows.' })
export class PatrolPlanInput {
  @Field(() => [ID], { description: `The units to plan together, 1–${MAX_PLAN_UNITS}. Sites go to the units whose zones hold them.` })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PLAN_UNITS)
  unitIds!: string[];

  @Field(() => Date, { description: 'Start of the shift.' })
  from!: Date;

  @Field(() => Date, { description: 'End of the shift (at most 24 hours after the start).' })
  to!: Date;

  @Field(() => GeoJSONScalar, {
    nullable: true,
    description: 'Where every unit starts (GeoJSON Point); default: each unit’s last fix, or a point in its zones.',
  })
  startAt?: unknown;

  @Field(() => Date, {
    nullable: true,
    description:
      'Re-plan the rest of the shift from this moment (usually now): each unit starts from its last fix, and the visits detected since the shift began count against the required ones.',
  })
  replanAt?: Date;

  @Field(() => Int, {
    nullable: true,
    description: `Minutes of each site stop, ${KOPER_MIN_MINUTES}–${KOPER_MAX_MINUTES} (Koper curve; default 12).`,
  })
  @IsOptional()
  @Min(KOPER_MIN_MINUTES)
  @Max(KOPER_MAX_MINUTES)
  dwellMinutes?: number;

  @Field(() => PlanDosageInput, { nullable: true, description: 'Hot-spot dosage to plan as well.' })
  @ValidateNested()
  dosage?: PlanDosageInput;

  @Field(() => [PlanVisitWindowInput], {
    nullable: true,
    description: 'Stated windows (at most 200): a site listed here gets one visit per window instead of its visits spread over the shift.',
  })
  @IsOptional()
  @ArrayMaxSize(200)
  visitWindows?: PlanVisitWindowInput[];

  @Field(() => ID, {
    nullable: true,
    description:
      'The operation whose priority communities and site kinds weigh when not everything fits; default: every one running at the shift start.',
  })
  operationId?: string;

  @Field(() => TravelMethod, {
    nullable: true,
    description: 'Force a travel method; default: the street network when one is imported and reaches every stop, else straight line.',
  })
  travelMethod?: TravelMethod;
}
