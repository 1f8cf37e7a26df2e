import type { EntityManager } from '@mikro-orm/postgresql';
import { badInput } from '../graphql/errors.js';
import { HateCrimeFlag } from '../incidents/incident.entity.js';
import { type AreaInput, resolveArea } from './area.js';
import { incidentConditions } from './incident-conditions.js';
import { Params } from './sql-builder.js';
import { poissonRateTest } from './statistics.js';

const DAY_MS = 86_400_000;

/** Communities whose hate-crime flag is counted separately. */
export const COMMUNITY_FLAGS: { community: string; flag: HateCrimeFlag }[] = [
  { community: 'Jewish', flag: HateCrimeFlag.ANTISEMITIC },
  { community: 'Muslim', flag: HateCrimeFlag.ANTI_MUSLIM },
];

export interface TrendOptions extends AreaInput {
  categories?: string[] | null;
  hateCrime?: boolean | null;
  eventAt: Date;
  days: number;
  now?: Date;
}

export interface RateComparison {
  before: number;
  after: number;
  rateRatio: number;
  lower95: number;
  upper95: number;
  pValue: number;
  significant: boolean;
}

export interface Trend extends RateComparison {
  eventAt: Date;
  /** Days in each window: the requested number, shortened to the days since the event if those are fewer. */
  days: number;
  daily: { day: Date; count: number; afterEvent: boolean }[];
  byCommunity: ({ community: string; flag: HateCrimeFlag } & RateComparison)[];
}

const compare = (before: number, after: number): RateComparison => {
  const t = poissonRateTest(before, after);
  return { before, after, rateRatio: t.rateRatio, lower95: t.lower, upper95: t.upper, pValue: t.pValue, significant: t.pValue < 0.05 };
};

/**
 * Brief: counts per day in equal windows either side of an event date, the rate ratio,
 * and whether the change is significant — an exact Poisson rate test, not a bar chart.
 * Windows: [eventAt − days, eventAt) and [eventAt, eventAt + days); when fewer than `days`
 * have passed since the event, both windows shrink to the whole days that have.
 */
export async function incidentTrend(em: EntityManager, options: TrendOptions): Promise<Trend> {
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > 365)
    throw badInput('days', `must be a whole number from 1 to 365 (got ${options.days})`);
  const now = options.now ?? new Date();
  const elapsed = Math.floor((now.getTime() - options.eventAt.getTime()) / DAY_MS);
  if (elapsed < 1) throw badInput('eventAt', 'must be at least one whole day in the past, so there is an "after" to compare');
  const days = Math.min(options.days, elapsed);
  const from = new Date(options.eventAt.getTime() - days * DAY_MS);
  const to = new Date(options.eventAt.getTime() + days * DAY_MS);
  const hasArea = Boolean(options.bbox || options.within || options.zoneId);
  const area = hasArea ? await resolveArea(em, options) : null;

  const p = new Params();
  // Day d of the series is [from + d days, from + d + 1 days): aligned to the event instant, not to midnight.
  const dayExpr = `floor(extract(epoch from (i.occurred_at - ${p.add(options.eventAt)}::timestamptz)) / 86400)::int + ${p.add(days)}`;
  const flagColumns = COMMUNITY_FLAGS.map(
    ({ flag }, k) => `count(*) filter (where ${p.add(flag)} = any(i.hate_crime_flags))::int as f${k}`,
  ).join(', ');
  const conditions = incidentConditions(p, { categories: options.categories, hateCrime: options.hateCrime, from, to }, 'input');
  const areaCondition = area ? `and ST_Intersects(i.location, ST_SetSRID(ST_GeomFromGeoJSON(${p.add(area)}), 4326))` : '';
  const rows = await em.execute<({ d: number; n: number } & Record<string, number>)[]>(
    `select ${dayExpr} as d, count(*)::int as n, ${flagColumns}
     from incidents i
     where ${conditions} ${areaCondition}
     group by 1 order by 1`,
    p.values,
  );
  const byDay = new Map(rows.map((r) => [r.d, r]));
  const daily = Array.from({ length: 2 * days }, (_, d) => ({
    day: new Date(from.getTime() + d * DAY_MS),
    count: byDay.get(d)?.n ?? 0,
    afterEvent: d >= days,
  }));
  const sum = (afterEvent: boolean, column: string) =>
    rows.filter((r) => r.d >= days === afterEvent).reduce((a, r) => a + Number(r[column] ?? 0), 0);
  return {
    eventAt: options.eventAt,
    days,
    daily,
    ...compare(sum(false, 'n'), sum(true, 'n')),
    byCommunity: COMMUNITY_FLAGS.map(({ community, flag }, k) => ({
      community,
      flag,
      ...compare(sum(false, `f${k}`), sum(true, `f${k}`)),
    })),
  };
}
