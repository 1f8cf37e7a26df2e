import type { EntityManager } from '@mikro-orm/postgresql';
import { identifier, join, query, sql } from '../db/sql.js';
import { badInput } from '../graphql/errors.js';
import { HateCrimeFlag } from '../incidents/incident.entity.js';
import { type AppliedFilter, filterSql, refine } from '../incidents/incident-filter.js';
import { poissonRateTest } from './statistics.js';

const DAY_MS = 86_400_000;

/** Communities whose hate-crime flag is counted separately. */
export const COMMUNITY_FLAGS: { community: string; flag: HateCrimeFlag }[] = [
  { community: 'Jewish', flag: HateCrimeFlag.ANTISEMITIC },
  { community: 'Muslim', flag: HateCrimeFlag.ANTI_MUSLIM },
];

export interface TrendOptions {
  eventAt: Date;
  days: number;
  now?: Date;
}

export interface RateComparison {
  before: number;
  after: number;
  /** after ÷ before: Infinity when only before is 0, NaN when both are. */
  rateRatio: number;
  lower95: number;
  /** Infinity when before is 0. */
  upper95: number;
  pValue: number;
  significant: boolean;
  /** The filters that counted `before` and `after`: the trend's filter with each window. */
  beforeFilter: AppliedFilter;
  afterFilter: AppliedFilter;
}

export interface Trend extends RateComparison {
  eventAt: Date;
  /** Days in each window: the requested number, shortened to the days since the event if those are fewer. */
  days: number;
  daily: { day: Date; count: number; afterEvent: boolean }[];
  byCommunity: ({ community: string; flag: HateCrimeFlag } & RateComparison)[];
}

/**
 * Brief: counts per day in equal windows either side of an event date, the rate ratio,
 * and whether the change is significant — an exact Poisson rate test, not a bar chart.
 * Windows: [eventAt − days, eventAt) and [eventAt, eventAt + days); when fewer than `days`
 * have passed since the event, both windows shrink to the whole days that have. `filter`
 * (without a window: the trend sets it) chooses the incidents; each community's figures
 * are the filter's with the hate-crime conditions replaced by that community's flag.
 */
export async function incidentTrend(em: EntityManager, filter: AppliedFilter, options: TrendOptions): Promise<Trend> {
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > 365)
    throw badInput('days', `must be a whole number from 1 to 365 (got ${options.days})`);
  const now = options.now ?? new Date();
  const elapsed = Math.floor((now.getTime() - options.eventAt.getTime()) / DAY_MS);
  if (elapsed < 1) throw badInput('eventAt', 'must be at least one whole day in the past, so there is an "after" to compare');
  const days = Math.min(options.days, elapsed);
  const from = new Date(options.eventAt.getTime() - days * DAY_MS);
  const to = new Date(options.eventAt.getTime() + days * DAY_MS);
  const windows = (f: AppliedFilter) => ({
    beforeFilter: refine(f, { from, to: options.eventAt }),
    afterFilter: refine(f, { from: options.eventAt, to }),
  });
  const communityFilter = (flag: HateCrimeFlag) => refine(filter, { hateCrime: null, hateCrimeFlags: [flag] });

  // Day d of the series is [from + d days, from + d + 1 days): aligned to the event instant, not to midnight.
  const dayExpr = sql`floor(extract(epoch from (i.occurred_at - ${options.eventAt}::timestamptz)) / 86400)::int + ${days}::int`;
  const all = filterSql(filter, 'i', { area: false });
  const flagColumns = join(
    COMMUNITY_FLAGS.map(
      ({ flag }, k) =>
        sql`count(*) filter (where ${filterSql(communityFilter(flag), 'i', { area: false })})::int as ${identifier(`f${k}`)}`,
    ),
    ', ',
  );
  const chosen = filterSql({ ...filter, hateCrime: null, hateCrimeFlags: null, from, to });
  // One pass over the window: the filter's incidents, and each community's (which may
  // differ in their hate-crime conditions only).
  const rows = await query<{ d: number; n: number } & Record<string, number>>(
    em,
    sql`select ${dayExpr} as d, count(*) filter (where ${all})::int as n, ${flagColumns}
        from incidents i
        where ${chosen}
        group by 1 order by 1`,
  );
  const byDay = new Map(rows.map((r) => [r.d, r]));
  const daily = Array.from({ length: 2 * days }, (_, d) => ({
    day: new Date(from.getTime() + d * DAY_MS),
    count: byDay.get(d)?.n ?? 0,
    afterEvent: d >= days,
  }));
  const sum = (afterEvent: boolean, column: string) =>
    rows.filter((r) => r.d >= days === afterEvent).reduce((a, r) => a + Number(r[column] ?? 0), 0);
  const compare = (before: number, after: number, f: AppliedFilter): RateComparison => {
    const t = poissonRateTest(before, after);
    return {
      before,
      after,
      rateRatio: t.rateRatio,
      lower95: t.lower,
      upper95: t.upper,
      pValue: t.pValue,
      significant: t.pValue < 0.05,
      ...windows(f),
    };
  };
  return {
    eventAt: options.eventAt,
    days,
    daily,
    ...compare(sum(false, 'n'), sum(true, 'n'), filter),
    byCommunity: COMMUNITY_FLAGS.map(({ community, flag }, k) => ({
      community,
      flag,
      ...compare(sum(false, `f${k}`), sum(true, `f${k}`), communityFilter(flag)),
    })),
  };
}
