import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { type Point, PointType } from '../db/geometry.js';
import { GeoJSONScalar } from '../graphql/scalars.js';

export enum SiteKind {
  SYNAGOGUE = 'SYNAGOGUE',
  MOSQUE = 'MOSQUE',
  CHURCH = 'CHURCH',
  TEMPLE = 'TEMPLE',
  SCHOOL = 'SCHOOL',
  BUSINESS = 'BUSINESS',
  COMMUNITY_CENTRE = 'COMMUNITY_CENTRE',
  EMBASSY = 'EMBASSY',
  OTHER = 'OTHER',
}
registerEnumType(SiteKind, {
  name: 'SiteKind',
  description: 'What kind of place a site is.',
  valuesConfig: {
    SYNAGOGUE: { description: 'A synagogue.' },
    MOSQUE: { description: 'A mosque.' },
    CHURCH: { description: 'A church.' },
    TEMPLE: { description: 'A temple or gurdwara.' },
    SCHOOL: { description: 'A school, including faith schools.' },
    BUSINESS: { description: 'A shop or business, e.g. Israeli-run shops in Belsize Park.' },
    COMMUNITY_CENTRE: { description: 'A community centre.' },
    EMBASSY: { description: 'An embassy or consulate.' },
    OTHER: { description: 'Any other place.' },
  },
});

/** Ordered: a filter on `minRisk` keeps this level and the ones after it. */
export enum RiskLevel {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}
registerEnumType(RiskLevel, {
  name: 'RiskLevel',
  description: 'Assessed threat to a site, lowest first.',
  valuesConfig: {
    LOW: { description: 'Routine.' },
    MEDIUM: { description: 'Raised.' },
    HIGH: { description: 'High risk: visited twice a day in the reassurance operation.' },
    CRITICAL: { description: 'Specific threat.' },
  },
});
export const RISK_ORDER = [RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL];

/** A place that needs reassurance visits. Its location is sensitive: reads are role-checked and audited. */
@ObjectType({ description: 'A place that needs reassurance: a synagogue, mosque, school, business…' })
@Entity({ tableName: 'sites' })
export class Site {
  [OptionalProps]?: 'activeFrom' | 'createdAt' | 'updatedAt' | 'latitude' | 'longitude';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field(() => String, { description: 'Name as shown on the patrol list.' })
  @Property({ type: 'text' })
  name!: string;

  @Field(() => SiteKind, { description: 'What kind of place this is.' })
  @Enum({ items: () => SiteKind, nativeEnumName: 'site_kind' })
  kind!: SiteKind;

  @Field(() => GeoJSONScalar, { description: 'Point location (GeoJSON, WGS84).' })
  @Index({ type: 'gist' })
  @Property({ type: PointType })
  location!: Point;

  @Field(() => RiskLevel, { description: 'Assessed risk.' })
  @Enum({ items: () => RiskLevel, nativeEnumName: 'risk_level' })
  riskLevel!: RiskLevel;

  @Field(() => Int, { description: 'Visits required per day (high-risk sites: 2).' })
  @Property({ type: 'integer' })
  requiredVisitsPerDay!: number;

  @Field(() => String, { nullable: true, description: 'Community served, e.g. Jewish, Muslim.' })
  @Property({ type: 'text', nullable: true })
  community?: string | null;

  @Field(() => String, { nullable: true, description: 'Who asked for the site to be on the list.' })
  @Property({ type: 'text', nullable: true })
  requestedBy?: string | null;

  @Field(() => Date, { description: 'Start of the period the site is on the patrol list.' })
  @Property({ type: 'timestamptz' })
  activeFrom: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'End of that period; open-ended when empty.' })
  @Property({ type: 'timestamptz', nullable: true })
  activeTo?: Date | null;

  @Field(() => Date, { nullable: true, description: 'When the site was archived (taken off the list for good).' })
  @Property({ type: 'timestamptz', nullable: true })
  archivedAt?: Date | null;

  @Field(() => Date, { description: 'When the site was created.' })
  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Field(() => Date, { description: 'When the site was last changed.' })
  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  @Field(() => Float, { description: 'Latitude of the location (WGS84).' })
  get latitude(): number {
    return this.location.coordinates[1];
  }

  @Field(() => Float, { description: 'Longitude of the location (WGS84).' })
  get longitude(): number {
    return this.location.coordinates[0];
  }
}
