import { DashboardSiteDetailDocument } from '@vigil/schema';
import { useVisitPolling } from '../api/liveCache';
import { useGraphQL } from '../api/queries';
import { COVERAGE_COLOURS, COVERAGE_LABELS, SITE_KIND_LABELS } from '../map/layers';
import { formatDateTime, formatDuration } from '../state/period';
import { formatShare } from './format';
import { ErrorLine, Panel } from './Panel';

/** One site: where it stands today and its visits over the last 7 days. */
export function SiteDetailPanel({
  siteId,
  onClose,
  onShow,
}: {
  siteId: string;
  onClose: () => void;
  onShow: (site: { id: string; name: string; latitude: number; longitude: number }) => void;
}) {
  // The same query and variables as the map's site popup: opened from the popup, it is read from the cache.
  const detail = useGraphQL(DashboardSiteDetailDocument, { id: siteId }, { refetchInterval: useVisitPolling() });
  const site = detail.data?.site;
  return (
    <Panel
      id="site"
      title={site ? site.name : 'Site'}
      aside={
        <span className="row">
          {site ? (
            <button type="button" className="button button-small" onClick={() => onShow(site)} data-testid="site-show">
              Show on map
            </button>
          ) : null}
          <button type="button" className="button button-small" onClick={onClose} data-testid="site-close">
            Close
          </button>
        </span>
      }
    >
      {detail.error ? <ErrorLine what="the site" error={detail.error} onRetry={() => void detail.refetch()} /> : null}
      {site ? (
        <>
          <p className="site-meta">
            {SITE_KIND_LABELS[site.kind]} · {site.riskLevel.toLowerCase()} risk · {site.requiredVisitsPerDay} visits a day
            {site.community ? ` · ${site.community} community` : ''}
            {site.requestedBy ? ` · asked for by ${site.requestedBy}` : ''}
          </p>
          <p className="site-state" data-testid="site-state" style={{ borderColor: COVERAGE_COLOURS[site.coverage.state] }}>
            <strong>{COVERAGE_LABELS[site.coverage.state]}</strong>
            <br />
            {site.coverage.visitsLast24h} of {site.coverage.requiredPerDay} visits in the last 24 h ({formatShare(site.coverage.compliance)}
            )
            {site.coverage.dueBy
              ? Date.parse(site.coverage.dueBy) > Date.now()
                ? `; next due within ${formatDuration(Date.parse(site.coverage.dueBy) - Date.now())}`
                : `; due since ${formatDateTime(site.coverage.dueBy)}`
              : ''}
          </p>
          <h3 className="subhead">Visits, last 7 days</h3>
          {site.visits.length === 0 ? (
            <p className="muted">No visits in the last 7 days.</p>
          ) : (
            <table className="table" data-testid="site-visits">
              <thead>
                <tr>
                  <th scope="col">Arrived</th>
                  <th scope="col">Unit</th>
                  <th scope="col">Stay</th>
                </tr>
              </thead>
              <tbody>
                {site.visits.map((v) => (
                  <tr key={v.id}>
                    <td>{formatDateTime(v.enteredAt)}</td>
                    <td>{v.unit.callSign}</td>
                    <td>
                      {Math.round(v.dwellMinutes)} min{v.koperCompliant ? <span className="tag">Koper</span> : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      ) : detail.isPending ? (
        <p className="muted">Loading…</p>
      ) : null}
    </Panel>
  );
}
