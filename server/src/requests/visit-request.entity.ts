import { randomUUID } from 'node:crypto';
import { Entity, Enum, ManyToOne, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { User } from '../auth/user.entity.js';
import { type Point, PointType } from '../db/geometry.js';
import { GeoJSONScalar } from '../graphql/scalars.js';
import { Site, SiteKind } from '../sites/site.entity.js';

export enum VisitRequestStatus {
  PENDING = 'PENDING',
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
}
registerEnumType(VisitRequestStatus, {
  name: 'VisitRequestStatus',
  description: 'Where a reassurance-visit request stands.',
  valuesConfig: {
    PENDING: { description: 'Waiting for a planner.' },
    APPROVED: { description: 'On the patrol list as a site.' },
    REJECTED: { description: 'Turned down, with a reason.' },
  },
});

/** "Let us know and we will add it to the list": the path from a request to a site on the patrol list. */
@ObjectType({ description: 'A request for reassurance visits at a place, on its way to the patrol list.' })
@Entity({ tableName: 'visit_requests' })
export class VisitRequest {
  [OptionalProps]?: 'status' | 'createdAt';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { description: 'Name of the place, e.g. a synagogue or a shop.' })
  @Property({ type: 'text' })
  placeName!: string;

  @Field(() => SiteKind, { description: 'Kind of place.' })
  @Enum({ items: () => SiteKind, nativeEnumName: 'site_kind' })
  kind!: SiteKind;

  @Field(() => GeoJSONScalar, {
    nullable: true,
    description: 'Where the place is, if known (GeoJSON Point, WGS84); a planner places it on approval otherwise.',
  })
  @Property({ type: PointType, nullable: true })
  location?: Point | null;

  @Field(() => String, { nullable: true, description: 'Address as given by the requester.' })
  @Property({ type: 'text', nullable: true })
  address?: string | null;

  @Field(() => String, { nullable: true, description: 'Community served.' })
  @Property({ type: 'text', nullable: true })
  community?: string | null;

  @Field(() => String, { description: 'Who asked, e.g. a councillor or a synagogue warden.' })
  @Property({ type: 'text' })
  requesterName!: string;

  @Field(() => String, { nullable: true, description: 'Why visits are wanted.' })
  @Property({ type: 'text', nullable: true })
  reason?: string | null;

  @Field(() => VisitRequestStatus, { description: 'Pending, approved or rejected.' })
  @Enum({ items: () => VisitRequestStatus, nativeEnumName: 'visit_request_status' })
  status: VisitRequestStatus = VisitRequestStatus.PENDING;

  @ManyToOne(() => User, { nullable: true })
  submittedBy?: User | null;

  @ManyToOne(() => User, { nullable: true })
  decidedBy?: User | null;

  @Field(() => Date, { nullable: true, description: 'When a planner approved or rejected it.' })
  @Property({ type: 'timestamptz', nullable: true })
  decidedAt?: Date | null;

  @Field(() => String, { nullable: true, description: 'Why it was rejected.' })
  @Property({ type: 'text', nullable: true })
  rejectionReason?: string | null;

  /** The site created on approval. */
  @ManyToOne(() => Site, { nullable: true })
  site?: Site | null;

  @Field(() => Date, { description: 'When the request was made.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
