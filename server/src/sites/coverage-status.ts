import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';

export enum CoverageState {
  /** Enough visits in the last 24 h. */
  VISITED = 'VISITED',
  /** Not overdue yet, but short of today's required visits. */
  DUE = 'DUE',
  /** No visit for longer than 24 h ÷ required visits per day. */
  OVERDUE = 'OVERDUE',
  /** No visits required (0 per day) or not on the list now. */
  NOT_REQUIRED = 'NOT_REQUIRED',
}
registerEnumType(CoverageState, {
  name: 'CoverageState',
  description: 'Where a site stands against its required visits right now.',
  valuesConfig: {
    VISITED: { description: 'Enough visits in the last 24 hours.' },
    DUE: { description: 'Not overdue yet, but short of the visits required per day.' },
    OVERDUE: { description: 'No visit for longer than 24 h ÷ required visits per day.' },
    NOT_REQUIRED: { description: 'No visits required, or not on the list now.' },
  },
});

@ObjectType({ description: 'A site against its required visits over the last 24 hours.' })
export class SiteCoverageStatus {
  @Field(() => CoverageState, { description: 'Visited, due, overdue or not required.' })
  state!: CoverageState;

  @Field(() => Int, { description: 'Visits in the last 24 hours.' })
  visitsLast24h!: number;

  @Field(() => Int, { description: 'Visits required per day.' })
  requiredPerDay!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'Visits achieved ÷ visits required over the last 24 hours; empty when none are required.',
  })
  compliance!: number | null;

  @Field(() => Date, { nullable: true, description: 'When the last visit ended.' })
  lastVisitAt!: Date | null;

  @Field(() => Boolean, { description: 'Brief: no visit for longer than 24 h ÷ required visits per day.' })
  overdue!: boolean;

  @Field(() => Date, { nullable: true, description: 'When the site becomes (or became) overdue.' })
  dueBy!: Date | null;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Brief: site compliance = visits achieved ÷ visits required in the window; overdue = no
 * visit for longer than 24 h ÷ required visits per day. A site never visited counts from
 * the start of its active period.
 */
export function coverageStatus(
  site: { requiredVisitsPerDay: number; activeFrom: Date; activeTo?: Date | null; archivedAt?: Date | null },
  visitsLast24h: number,
  lastVisitAt: Date | null,
  now: Date,
): SiteCoverageStatus {
  const required = site.requiredVisitsPerDay;
  const onList = !site.archivedAt && site.activeFrom <= now && (!site.activeTo || site.activeTo > now);
  if (required === 0 || !onList) {
    return {
      state: CoverageState.NOT_REQUIRED,
      visitsLast24h,
      requiredPerDay: required,
      compliance: null,
      lastVisitAt,
      overdue: false,
      dueBy: null,
    };
  }
  const dueBy = new Date((lastVisitAt ?? site.activeFrom).getTime() + DAY_MS / required);
  const overdue = now > dueBy;
  const state = overdue ? CoverageState.OVERDUE : visitsLast24h >= required ? CoverageState.VISITED : CoverageState.DUE;
  return { state, visitsLast24h, requiredPerDay: required, compliance: visitsLast24h / required, lastVisitAt, overdue, dueBy };
}
