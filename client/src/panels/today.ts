import { DashboardTodayDocument, type DashboardTodayQuery } from '@vigil/schema';
import { useVisitPolling } from '../api/liveCache';
import { useGraphQL } from '../api/queries';
import { useClock } from '../state/period';

export type SiteDay = DashboardTodayQuery['coverage']['sites'][number];

/**
 * "Today" is the rolling last 24 hours, the window each site's own status uses, so the
 * figures do not drop to nothing at midnight. One query shared by the figures, the
 * briefing's site list and its print view.
 */
export function useToday() {
  const now = useClock(60_000);
  return useGraphQL(
    DashboardTodayDocument,
    { input: { from: new Date(now - 86_400_000).toISOString(), to: new Date(now).toISOString() } },
    { refetchInterval: useVisitPolling() },
  );
}

export interface Headline {
  /** Sites that need visits in the window. */
  listed: number;
  /** Of them, those with all their required visits. */
  met: number;
  required: number;
  /** Visits made, each site's counted up to what it needs: extra visits at one site do not make up for another's. */
  cappedAchieved: number;
  /** Required visits not made. */
  missing: number;
  /** The sites short of visits, most missing first. */
  short: { id: string; name: string; achieved: number; required: number }[];
}

/**
 * The superintendent's headline, honest about the shortfall: sites that met their required
 * visits out of the sites that need any, and the visits made capped per site at what each
 * needs (site compliance per the brief, required = visits per day × days on the list).
 */
export function headline(sites: readonly SiteDay[]): Headline {
  const listed = sites.filter((s) => s.requiredVisits > 0);
  const required = listed.reduce((sum, s) => sum + s.requiredVisits, 0);
  const cappedAchieved = listed.reduce((sum, s) => sum + Math.min(s.achievedVisits, s.requiredVisits), 0);
  const short = listed
    .filter((s) => s.achievedVisits < s.requiredVisits)
    .map((s) => ({ id: s.site.id, name: s.site.name, achieved: s.achievedVisits, required: s.requiredVisits }))
    .sort((a, b) => b.required - b.achieved - (a.required - a.achieved) || a.name.localeCompare(b.name));
  return { listed: listed.length, met: listed.length - short.length, required, cappedAchieved, missing: required - cappedAchieved, short };
}
