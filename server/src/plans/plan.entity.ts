import { randomUUID } from 'node:crypto';
import { Cascade, Collection, Entity, Enum, Index, ManyToOne, OneToMany, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { User } from '../auth/user.entity.js';
import { type LineString, LineStringType, type Point, PointType } from '../db/geometry.js';
import { ActivityKind } from '../patrols/activity.entity.js';
import { PatrolUnit } from '../patrols/patrol-unit.entity.js';
import { Site } from '../sites/site.entity.js';
import type { PlanMethod, PlanSolver, UnplannedVisit } from './plan.types.js';

/** An unplanned visit as stored: the site by id, the rest as the preview said it. */
export type StoredUnplanned = Omit<UnplannedVisit, 'site' | 'windowFrom' | 'windowTo'> & {
  siteId: string | null;
  windowFrom: string;
  windowTo: string;
};

/**
 * A saved patrol plan: what a planner or superintendent previewed and kept, for one or more
 * units over a shift. Its unit plans hold the stops; the request is kept as it was sent.
 */
@Entity({ tableName: 'patrol_plans' })
export class PatrolPlanRecord {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'timestamptz' })
  shiftFrom!: Date;

  @Property({ type: 'timestamptz' })
  shiftTo!: Date;

  @Property({ type: 'timestamptz', nullable: true })
  replanAt?: Date | null;

  @Property({ type: 'jsonb' })
  request!: Record<string, unknown>;

  @Property({ type: 'jsonb' })
  method!: PlanMethod;

  @Property({ type: 'jsonb' })
  solver!: PlanSolver;

  @Property({ type: 'jsonb' })
  unplanned!: StoredUnplanned[];

  @Property({ type: 'jsonb' })
  notes!: string[];

  @Property({ type: 'integer' })
  requiredVisits!: number;

  @Property({ type: 'double precision' })
  travelMetres!: number;

  @Property({ type: 'integer' })
  travelSeconds!: number;

  @ManyToOne(() => User, { nullable: true, deleteRule: 'set null' })
  createdBy?: User | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @OneToMany(
    () => UnitPlanRecord,
    (u) => u.plan,
    { cascade: [Cascade.ALL], orderBy: { position: 'asc' } },
  )
  units = new Collection<UnitPlanRecord>(this);
}

/** One unit's part of a saved plan. The unit's current plan at a moment is its newest one covering it. */
@Entity({ tableName: 'patrol_unit_plans' })
@Index({ name: 'patrol_unit_plans_unit_idx', properties: ['unit', 'shiftFrom'] })
export class UnitPlanRecord {
  [OptionalProps]?: 'createdAt';

  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => PatrolPlanRecord, { deleteRule: 'cascade' })
  plan!: PatrolPlanRecord;

  @ManyToOne(() => PatrolUnit, { deleteRule: 'cascade' })
  unit!: PatrolUnit;

  @Property({ type: 'integer' })
  position!: number;

  @Property({ type: 'timestamptz' })
  shiftFrom!: Date;

  @Property({ type: 'timestamptz' })
  shiftTo!: Date;

  @Property({ type: 'timestamptz' })
  startsAt!: Date;

  @Property({ type: PointType })
  start!: Point;

  @Property({ type: 'text' })
  startSource!: string;

  @Property({ type: 'double precision' })
  travelMetres!: number;

  @Property({ type: 'integer' })
  travelSeconds!: number;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @OneToMany(
    () => PlanStopRecord,
    (s) => s.unitPlan,
    { cascade: [Cascade.ALL], orderBy: { sequence: 'asc' } },
  )
  stops = new Collection<PlanStopRecord>(this);
}

/** A planned stop: a site visit or a dosage stop at a hot-spot cell (exactly one of the two). */
@Entity({ tableName: 'patrol_plan_stops' })
export class PlanStopRecord {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @ManyToOne(() => UnitPlanRecord, { deleteRule: 'cascade' })
  unitPlan!: UnitPlanRecord;

  @Property({ type: 'integer' })
  sequence!: number;

  @ManyToOne(() => Site, { nullable: true, deleteRule: 'cascade' })
  site?: Site | null;

  @Property({ type: 'text', nullable: true })
  cellId?: string | null;

  @Property({ type: 'text' })
  placeName!: string;

  @Property({ type: PointType })
  location!: Point;

  @Property({ type: 'timestamptz' })
  arriveAt!: Date;

  @Property({ type: 'timestamptz' })
  departAt!: Date;

  @Property({ type: 'integer' })
  dwellMinutes!: number;

  @Property({ type: 'double precision' })
  waitMinutes!: number;

  @Enum({ items: () => ActivityKind, nativeEnumName: 'activity_kind' })
  activity!: ActivityKind;

  @Property({ type: 'double precision' })
  travelMetres!: number;

  @Property({ type: 'integer' })
  travelSeconds!: number;

  @Property({ type: LineStringType })
  route!: LineString;

  @Property({ type: 'integer' })
  visitNumber!: number;

  @Property({ type: 'integer' })
  visitsPlanned!: number;

  @Property({ type: 'timestamptz' })
  windowFrom!: Date;

  @Property({ type: 'timestamptz' })
  windowTo!: Date;

  @Property({ type: 'text' })
  why!: string;
}
