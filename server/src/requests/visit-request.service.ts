import type { EntityManager } from '@mikro-orm/postgresql';
import { User } from '../auth/user.entity.js';
import { badInput, checkId, notFound } from '../graphql/errors.js';
import { checkPoint } from '../shared/geometry-validation.js';
import { RiskLevel, Site } from '../sites/site.entity.js';
import { VisitRequest, VisitRequestStatus } from './visit-request.entity.js';
import type { VisitRequestInput } from './visit-request.inputs.js';

export async function requestVisit(em: EntityManager, input: VisitRequestInput, userId: string): Promise<VisitRequest> {
  const request = em.create(VisitRequest, {
    placeName: input.placeName.trim(),
    kind: input.kind,
    location: input.location ? checkPoint('input.location', input.location) : null,
    address: input.address ?? null,
    community: input.community ?? null,
    requesterName: input.requesterName.trim(),
    reason: input.reason ?? null,
    submittedBy: em.getReference(User, userId),
  });
  await em.persistAndFlush(request);
  return request;
}

async function pending(em: EntityManager, id: string): Promise<VisitRequest> {
  const request = await em.findOne(VisitRequest, { id: checkId('id', id) });
  if (!request) throw notFound('Visit request', id);
  if (request.status !== VisitRequestStatus.PENDING) throw badInput('id', `request is already ${request.status.toLowerCase()}`);
  return request;
}

export interface Approval {
  requiredVisitsPerDay: number;
  /** Where the planner placed the site; needed when the request came without a location. */
  location?: unknown;
  riskLevel?: RiskLevel;
}

/** Approval puts the place on the patrol list: a new site, linked to the request. One transaction. */
export async function approveRequest(em: EntityManager, id: string, approval: Approval, userId: string): Promise<VisitRequest> {
  return em.transactional(async (tx) => {
    const request = await pending(tx as EntityManager, id);
    if (!Number.isInteger(approval.requiredVisitsPerDay) || approval.requiredVisitsPerDay < 1 || approval.requiredVisitsPerDay > 48) {
      throw badInput('requiredVisitsPerDay', `must be a whole number from 1 to 48 (got ${approval.requiredVisitsPerDay})`);
    }
    const location = approval.location ? checkPoint('location', approval.location) : request.location;
    if (!location) throw badInput('location', 'the request has no location: place the site on the map');
    const site = tx.create(Site, {
      name: request.placeName,
      kind: request.kind,
      location,
      riskLevel: approval.riskLevel ?? (approval.requiredVisitsPerDay >= 2 ? RiskLevel.HIGH : RiskLevel.MEDIUM),
      requiredVisitsPerDay: approval.requiredVisitsPerDay,
      community: request.community ?? null,
      requestedBy: request.requesterName,
    });
    tx.assign(request, { status: VisitRequestStatus.APPROVED, decidedAt: new Date(), decidedBy: tx.getReference(User, userId), site });
    await tx.flush();
    return request;
  });
}

export async function rejectRequest(em: EntityManager, id: string, reason: string, userId: string): Promise<VisitRequest> {
  const trimmed = reason.trim();
  if (trimmed.length === 0 || trimmed.length > 2000) throw badInput('reason', 'must be 1–2,000 characters');
  const request = await pending(em, id);
  em.assign(request, {
    status: VisitRequestStatus.REJECTED,
    decidedAt: new Date(),
    decidedBy: em.getReference(User, userId),
    rejectionReason: trimmed,
  });
  await em.flush();
  return request;
}
