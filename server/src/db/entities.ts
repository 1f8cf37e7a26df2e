import { AuditEvent } from '../audit/audit-event.entity.js';
import { User } from '../auth/user.entity.js';
import { Incident } from '../incidents/incident.entity.js';
import { Operation } from '../operations/operation.entity.js';
import { Activity } from '../patrols/activity.entity.js';
import { PatrolUnit } from '../patrols/patrol-unit.entity.js';
import { Position } from '../patrols/position.entity.js';
import { Visit } from '../patrols/visit.entity.js';
import { PatrolPlanRecord, PlanStopRecord, UnitPlanRecord } from '../plans/plan.entity.js';
import { VisitRequest } from '../requests/visit-request.entity.js';
import { Site } from '../sites/site.entity.js';
import { PatrolZone } from '../zones/patrol-zone.entity.js';

/** Every entity, listed by hand: no folder scanning, so tsx, vitest and a bundle all see the same set. */
export const entities = [
  User,
  AuditEvent,
  Site,
  Incident,
  PatrolUnit,
  Position,
  Visit,
  Activity,
  PatrolZone,
  Operation,
  VisitRequest,
  PatrolPlanRecord,
  UnitPlanRecord,
  PlanStopRecord,
];
