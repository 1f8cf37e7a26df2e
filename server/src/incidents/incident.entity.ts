import { randomUUID } from 'node:crypto';
import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { Field, Float, ID, ObjectType, registerEnumType } from 'type-graphql';
import { type Point, PointType } from '../db/geometry.js';
import { GeoJSONScalar } from '../graphql/scalars.js';

/** How precisely `occurredAt` is known. police.uk publishes the month only. */
export enum TimePrecision {
  EXACT = 'EXACT',
  MONTH = 'MONTH',
}
registerEnumType(TimePrecision, {
  name: 'TimePrecision',
  description: 'How precisely the time of an incident is known.',
  valuesConfig: {
    EXACT: { description: 'The time is known to the minute.' },
    MONTH: { description: 'Only the month is known (police.uk street-level data).' },
  },
});

/**
 * Brief: an incident with an exact time is DARK between civil dusk and civil dawn at its
 * place on its date, else LIGHT; month-precision incidents are UNKNOWN.
 */
export enum Darkness {
  DARK = 'DARK',
  LIGHT = 'LIGHT',
  UNKNOWN = 'UNKNOWN',
}
registerEnumType(Darkness, {
  name: 'Darkness',
  description: 'Whether an incident happened between civil dusk and civil dawn.',
  valuesConfig: {
    DARK: { description: 'Between civil dusk and civil dawn at its place and date.' },
    LIGHT: { description: 'Between civil dawn and civil dusk.' },
    UNKNOWN: { description: 'The time is known only to the month.' },
  },
});

export enum HateCrimeFlag {
  ANTISEMITIC = 'ANTISEMITIC',
  ANTI_MUSLIM = 'ANTI_MUSLIM',
  RACIST = 'RACIST',
  HOMOPHOBIC = 'HOMOPHOBIC',
  TRANSPHOBIC = 'TRANSPHOBIC',
  DISABILITY = 'DISABILITY',
  FAITH_OTHER = 'FAITH_OTHER',
}
registerEnumType(HateCrimeFlag, {
  name: 'HateCrimeFlag',
  description: 'Hate-crime motivation recorded on an incident.',
  valuesConfig: {
    ANTISEMITIC: { description: 'Antisemitic.' },
    ANTI_MUSLIM: { description: 'Anti-Muslim.' },
    RACIST: { description: 'Racist.' },
    HOMOPHOBIC: { description: 'Homophobic.' },
    TRANSPHOBIC: { description: 'Transphobic.' },
    DISABILITY: { description: 'Against disabled people.' },
    FAITH_OTHER: { description: 'Against another faith.' },
  },
});

@ObjectType({ description: 'A recorded crime or event at a place and time.' })
@Entity({ tableName: 'incidents' })
@Index({ name: 'incidents_category_occurred_at_idx', properties: ['category', 'occurredAt'] })
export class Incident {
  [OptionalProps]?: 'hateCrimeFlags' | 'occurredPrecision' | 'darkness' | 'recordedAt' | 'latitude' | 'longitude';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Identity in the source (police.uk Crime ID, or a hash of the row when it has none): re-imports add nothing twice. */
  @Field(() => String, { nullable: true, description: 'Identifier in the source system, e.g. the police.uk Crime ID.' })
  @Property({ type: 'text', nullable: true, unique: 'incidents_source_ref_unique' })
  sourceRef?: string | null;

  @Field(() => String, { description: 'police.uk category slug, e.g. vehicle-crime, anti-social-behaviour.' })
  @Property({ type: 'text' })
  category!: string;

  @Field(() => [HateCrimeFlag], { description: 'Hate-crime flags; empty when none.' })
  @Enum({ items: () => HateCrimeFlag, array: true })
  hateCrimeFlags: HateCrimeFlag[] = [];

  @Field(() => Date, { description: 'When it happened (first day of the month for month-precision records).' })
  @Property({ type: 'timestamptz' })
  occurredAt!: Date;

  @Field(() => TimePrecision, { description: 'Whether occurredAt is an exact time or a month.' })
  @Enum({ items: () => TimePrecision, nativeEnumName: 'time_precision' })
  occurredPrecision: TimePrecision = TimePrecision.EXACT;

  @Field(() => Darkness, { description: 'Dark, light, or unknown (month precision); worked out from civil twilight on arrival.' })
  @Enum({ items: () => Darkness, nativeEnumName: 'darkness' })
  darkness: Darkness = Darkness.UNKNOWN;

  @Field(() => GeoJSONScalar, { description: 'Point location (GeoJSON, WGS84); police.uk points are snapped to anonymous map points.' })
  @Property({ type: PointType })
  location!: Point;

  @Field(() => String, { nullable: true, description: 'Free-text description.' })
  @Property({ type: 'text', nullable: true })
  description?: string | null;

  @Field(() => String, { description: 'Where the record came from, e.g. police.uk, report, demo.' })
  @Property({ type: 'text' })
  source!: string;

  @Field(() => String, { nullable: true, description: 'Location label, e.g. "On or near Fleet Road".' })
  @Property({ type: 'text', nullable: true })
  locationName?: string | null;

  @Field(() => Date, { description: 'When the record reached Vigil.' })
  @Property({ type: 'timestamptz' })
  recordedAt: Date = new Date();

  @Field(() => Float, { description: 'Latitude of the location (WGS84).' })
  get latitude(): number {
    return this.location.coordinates[1];
  }

  @Field(() => Float, { description: 'Longitude of the location (WGS84).' })
  get longitude(): number {
    return this.location.coordinates[0];
  }
}
