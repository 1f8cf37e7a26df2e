import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import type { LineString, Point } from '../db/geometry.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { ActivityKind } from '../patrols/activity.entity.js';
import { PatrolUnit, UnitKind } from '../patrols/patrol-unit.entity.js';
import { Visit } from '../patrols/visit.entity.js';
import { Site } from '../sites/site.entity.js';
import { TravelMethod } from './travel.js';

export enum UnplannedReason {
  TIME = 'TIME',
  DISTANCE = 'DISTANCE',
  WINDOW = 'WINDOW',
}
registerEnumType(UnplannedReason, {
  name: 'UnplannedReason',
  description: 'Why a visit is not in the plan.',
  valuesConfig: {
    TIME: { description: 'The shift is full: the visit fits on its own but not with the visits of higher priority.' },
    DISTANCE: { description: 'No unit that may make it can get there (no route, or too far to reach in the shift).' },
    WINDOW: { description: 'Its window cannot be met: too short, outside the shift, or too soon after the previous visit.' },
  },
});

export enum StartSource {
  GIVEN = 'GIVEN',
  LAST_FIX = 'LAST_FIX',
  ZONES = 'ZONES',
}
registerEnumType(StartSource, {
  name: 'StartSource',
  description: 'Where a unit plan starts from.',
  valuesConfig: {
    GIVEN: { description: 'The startAt point of the request.' },
    LAST_FIX: { description: 'The unit’s last GPS fix before the plan starts (its live position when re-planning).' },
    ZONES: { description: 'No fix on record: a point inside the unit’s zones.' },
  },
});

export enum StopState {
  DONE = 'DONE',
  LATE = 'LATE',
  PLANNED = 'PLANNED',
  MISSED = 'MISSED',
}
registerEnumType(StopState, {
  name: 'StopState',
  description: 'Where a planned stop stands against what the unit did.',
  valuesConfig: {
    DONE: { description: 'Made: a visit (detected from the unit’s fixes) or a stay in the cell matches it.' },
    LATE: { description: 'Not made, and its planned departure is more than 15 minutes past.' },
    PLANNED: { description: 'Not made yet, not late.' },
    MISSED: { description: 'Not made by the end of the shift.' },
  },
});

@ObjectType({ description: 'Speed a plan assumes for a kind of unit.' })
export class UnitSpeed {
  @Field(() => UnitKind, { description: 'Kind of unit.' })
  kind!: UnitKind;

  @Field(() => Float, { description: 'Average speed, km/h.' })
  kmh!: number;
}

@ObjectType({ description: 'How a plan measures its legs, said plainly.' })
export class PlanMethod {
  @Field(() => TravelMethod, { description: 'Street network or straight line.' })
  kind!: TravelMethod;

  @Field(() => String, { description: 'In words, e.g. "Straight line × 1.3 (circuity) at 20 km/h by car: no street network is imported".' })
  description!: string;

  @Field(() => Float, { nullable: true, description: 'Straight line only: route ÷ crow-flies distance assumed.' })
  circuityFactor!: number | null;

  @Field(() => [UnitSpeed], { description: 'Speed assumed per kind of unit in the plan.' })
  speeds!: UnitSpeed[];
}

@ObjectType({ description: 'How the plan was solved, and how good it is.' })
export class PlanSolver {
  @Field(() => String, { description: 'The method, in words.' })
  method!: string;

  @Field(() => Float, {
    description: 'No plan making the same visits can travel less than this (metres): a lower bound, see lower-bound.ts.',
  })
  lowerBoundMetres!: number;

  @Field(() => Float, { description: 'Metres a nearest-neighbour round (a crew planning by eye) would travel, for comparison.' })
  nearestNeighbourMetres!: number;

  @Field(() => Int, { description: 'Visits the nearest-neighbour round would make.' })
  nearestNeighbourVisits!: number;

  @Field(() => Int, { description: 'Local-search moves kept.' })
  moves!: number;
}

@ObjectType({ description: 'One stop of a unit plan: a reassurance visit at a site, or a dosage stop at a hot-spot cell.' })
export class PlanStop {
  @Field(() => Int, { description: 'Position in the unit’s plan, from 1.' })
  sequence!: number;

  @Field(() => PatrolUnit, { description: 'The unit that makes the stop.' })
  unit!: PatrolUnit;

  @Field(() => Site, { nullable: true, description: 'The site, for a site visit.' })
  site!: Site | null;

  @Field(() => String, { nullable: true, description: 'The Gi* cell id (as in hotspots), for a dosage stop.' })
  cellId!: string | null;

  @Field(() => String, { description: 'What the patrol sheet calls the place.' })
  placeName!: string;

  @Field(() => GeoJSONScalar, { description: 'Where to stop (GeoJSON Point, WGS84).' })
  location!: Point;

  @Field(() => Float, { description: 'Latitude of the stop.' })
  latitude!: number;

  @Field(() => Float, { description: 'Longitude of the stop.' })
  longitude!: number;

  @Field(() => Date, { description: 'Planned arrival: the stop starts.' })
  arriveAt!: Date;

  @Field(() => Date, { description: 'Planned departure: arriveAt + dwellMinutes.' })
  departAt!: Date;

  @Field(() => Int, { description: 'Minutes of the stop, 10–16 (Koper curve).' })
  dwellMinutes!: number;

  @Field(() => Float, { description: 'Minutes free before arriving (the leg takes less than the time to the stop’s window).' })
  waitMinutes!: number;

  @Field(() => ActivityKind, { description: 'What to do there: the words the unit records activities with.' })
  activity!: ActivityKind;

  @Field(() => Float, { description: 'Metres of the leg from the previous stop (or the start).' })
  travelMetres!: number;

  @Field(() => Int, { description: 'Seconds of that leg at the unit’s speed.' })
  travelSeconds!: number;

  @Field(() => GeoJSONScalar, { description: 'The leg from the previous stop (GeoJSON LineString, WGS84): along the streets when routed.' })
  route!: LineString;

  @Field(() => Int, { description: 'Which visit of the place this is in the plan, from 1.' })
  visitNumber!: number;

  @Field(() => Int, { description: 'Visits of the place the plan asks for.' })
  visitsPlanned!: number;

  @Field(() => Date, { description: 'The stop had to start at or after this.' })
  windowFrom!: Date;

  @Field(() => Date, { description: 'The stop had to start at or before this.' })
  windowTo!: Date;

  @Field(() => String, { description: 'Why it is planned, e.g. "HIGH risk; Jewish is a priority community of Operation Safe Haven".' })
  why!: string;
}

@ObjectType({ description: 'A visit the plan could not hold, and why.' })
export class UnplannedVisit {
  @Field(() => Site, { nullable: true, description: 'The site, for a site visit.' })
  site!: Site | null;

  @Field(() => String, { nullable: true, description: 'The Gi* cell id, for a dosage stop.' })
  cellId!: string | null;

  @Field(() => String, { description: 'Name of the place.' })
  placeName!: string;

  @Field(() => Int, { description: 'Which of the place’s visits, from 1.' })
  visitNumber!: number;

  @Field(() => UnplannedReason, { description: 'TIME, DISTANCE or WINDOW.' })
  reason!: UnplannedReason;

  @Field(() => String, { description: 'The reason with its figures.' })
  message!: string;

  @Field(() => Date, { description: 'Start of the window the visit had.' })
  windowFrom!: Date;

  @Field(() => Date, { description: 'End of that window.' })
  windowTo!: Date;
}

@ObjectType({ description: 'A planned stop against what the unit did.' })
export class StopProgress {
  @Field(() => Int, { description: 'The stop’s sequence.' })
  sequence!: number;

  @Field(() => StopState, { description: 'Done, late, planned or missed.' })
  state!: StopState;

  @Field(() => Boolean, { description: 'The stop the unit should make next.' })
  next!: boolean;

  @Field(() => Visit, { nullable: true, description: 'The detected visit that made a site stop.' })
  visit!: Visit | null;

  @Field(() => Date, { nullable: true, description: 'When the unit got there (visit entry, or first fix in the cell).' })
  actualArriveAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Minutes it stayed.' })
  actualMinutes!: number | null;

  @Field(() => Float, { nullable: true, description: 'Minutes after the planned arrival it got there (negative: early).' })
  minutesLate!: number | null;
}

@ObjectType({ description: 'The shift scored against its plan.' })
export class ShiftScore {
  @Field(() => Int, { description: 'Site visits planned.' })
  plannedVisits!: number;

  @Field(() => Int, { description: 'Of those, made.' })
  visitsMade!: number;

  @Field(() => Int, { description: 'Visits made that lasted 10–16 minutes (Koper-compliant).' })
  koperCompliantVisits!: number;

  @Field(() => Float, { description: 'Dosage planned at hot-spot cells, minutes.' })
  plannedDosageMinutes!: number;

  @Field(() => Float, { description: 'Minutes the unit spent in the planned cells during the planned dosage hours.' })
  dosageMinutesAchieved!: number;

  @Field(() => Int, { description: 'Dosage stops planned.' })
  plannedDosageStops!: number;

  @Field(() => Int, { description: 'Of those, made.' })
  dosageStopsMade!: number;
}

@ObjectType({ description: 'A unit plan against what the unit did, at a moment.' })
export class PlanProgress {
  @Field(() => Date, { description: 'The moment.' })
  at!: Date;

  @Field(() => [StopProgress], { description: 'Each stop, in plan order.' })
  stops!: StopProgress[];

  @Field(() => Int, { description: 'Stops made.' })
  done!: number;

  @Field(() => Int, { description: 'Stops late or missed.' })
  late!: number;

  @Field(() => Int, { nullable: true, description: 'Sequence of the next stop, if any.' })
  nextSequence!: number | null;

  @Field(() => Boolean, { description: 'Whether the shift is over: the score is final.' })
  finished!: boolean;

  @Field(() => ShiftScore, { description: 'The shift so far (final once finished).' })
  score!: ShiftScore;
}

@ObjectType({ description: 'One unit’s part of a patrol plan: its ordered stops and the route between them.' })
export class UnitPlan {
  @Field(() => ID, { nullable: true, description: 'Id of the stored unit plan; empty in a preview.' })
  id!: string | null;

  @Field(() => ID, { nullable: true, description: 'Id of the stored plan it belongs to; empty in a preview.' })
  planId!: string | null;

  @Field(() => PatrolUnit, { description: 'The unit.' })
  unit!: PatrolUnit;

  @Field(() => Date, { description: 'Start of the shift.' })
  from!: Date;

  @Field(() => Date, { description: 'End of the shift.' })
  to!: Date;

  @Field(() => Date, { description: 'When the stops start: the shift start, or the re-planning moment.' })
  startsAt!: Date;

  @Field(() => GeoJSONScalar, { description: 'Where the unit starts (GeoJSON Point).' })
  start!: Point;

  @Field(() => StartSource, { description: 'Where that start point came from.' })
  startSource!: StartSource;

  @Field(() => [PlanStop], { description: 'The stops, in order.' })
  stops!: PlanStop[];

  @Field(() => Float, { description: 'Metres of all legs.' })
  travelMetres!: number;

  @Field(() => Int, { description: 'Seconds of all legs.' })
  travelSeconds!: number;

  @Field(() => PlanMethod, { description: 'How the legs were measured.' })
  method!: PlanMethod;

  @Field(() => Date, { nullable: true, description: 'When it was stored; empty in a preview.' })
  createdAt!: Date | null;
}

@ObjectType({ description: 'A patrol plan for one or more units over a shift: a preview, or stored.' })
export class PatrolPlan {
  @Field(() => ID, { nullable: true, description: 'Id of the stored plan; empty in a preview.' })
  id!: string | null;

  @Field(() => Date, { description: 'Start of the shift.' })
  from!: Date;

  @Field(() => Date, { description: 'End of the shift.' })
  to!: Date;

  @Field(() => Date, { nullable: true, description: 'The moment the plan was re-made from, if it was.' })
  replanAt!: Date | null;

  @Field(() => [UnitPlan], { description: 'Each unit’s plan.' })
  units!: UnitPlan[];

  @Field(() => [UnplannedVisit], { description: 'Visits the shifts cannot hold, with the reason for each.' })
  unplanned!: UnplannedVisit[];

  @Field(() => Int, { description: 'Site visits the window asks for (after those already made when re-planning).' })
  requiredVisits!: number;

  @Field(() => Int, { description: 'Of those, planned.' })
  plannedVisits!: number;

  @Field(() => Int, { description: 'Dosage stops planned at hot-spot cells.' })
  dosageStops!: number;

  @Field(() => Float, { description: 'Metres of all units’ legs.' })
  travelMetres!: number;

  @Field(() => Int, { description: 'Seconds of all units’ legs.' })
  travelSeconds!: number;

  @Field(() => [PlanStop], { description: 'Every unit’s stops: unit by unit (as in units), each in order.' })
  stops!: PlanStop[];

  @Field(() => PlanMethod, { description: 'How the legs were measured: street network or straight line (with factor and speeds).' })
  method!: PlanMethod;

  @Field(() => PlanSolver, { description: 'How it was solved, with a lower bound and the nearest-neighbour figure.' })
  solver!: PlanSolver;

  @Field(() => [String], { description: 'Notes on the request, e.g. dark hours used for dosage, operations that set priorities.' })
  notes!: string[];

  @Field(() => Date, { nullable: true, description: 'When it was stored.' })
  createdAt!: Date | null;
}
