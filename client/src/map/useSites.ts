import { useInfiniteQuery } from '@tanstack/react-query';
import { DashboardSitesDocument, type DashboardSitesQuery } from '@vigil/schema';
import { useEffect, useMemo } from 'react';
import { useApi } from '../api/ApiProvider';
import { useVisitPolling } from '../api/liveCache';
import { queryKey } from '../api/queries';

export type SitePoint = DashboardSitesQuery['sites']['nodes'][number];

/** A borough lists tens to hundreds of sites: one page of 500 is the usual whole list. */
const PAGE = 500;

/**
 * Every site on the list with its coverage status, page after page until the list is whole
 * (TanStack Query's infinite query), refreshed when visits are recorded or sites go overdue.
 */
export function useSites(enabled: boolean) {
  const { run } = useApi();
  const refetchInterval = useVisitPolling();
  const query = useInfiniteQuery({
    queryKey: queryKey(DashboardSitesDocument, { first: PAGE }),
    queryFn: ({ pageParam, signal }) => run(DashboardSitesDocument, { first: PAGE, after: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => (last.sites.pageInfo.hasNextPage ? last.sites.pageInfo.endCursor : undefined),
    enabled,
    refetchInterval,
  });
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = query;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);
  const sites = useMemo(
    () => (query.data && !hasNextPage ? query.data.pages.flatMap((p) => p.sites.nodes) : undefined),
    [query.data, hasNextPage],
  );
  return { sites, error: query.error, refetch: query.refetch };
}
