import { DashboardSiteDetailDocument } from '@vigil/schema';
import { useVisitEvents } from '../api/useLiveRefresh';
import { useQuery } from '../api/useQuery';
import { COVERAGE_COLOURS, COVERAGE_LABELS, SITE_KIND_LABELS } from '../map/layers';
import { formatDateTime, formatDuration } from '../state/period';
import { formatShare } from './format';
import { ErrorLine, Panel } from './Panel';

/** One site: where it stands today and its visits over the last 7 days. */
export function SiteDetailPanel({ siteId, onClose }: { siteId: string; onClose: () => void }) {
  const detail = useQuery(DashboardSiteDetailDocument, { id: siteId });
  useVisitEvents(detail.refetch);
  const site = detail.data?.site;
  return (
    <Panel
      id="site"
      title={site ? site.name : 'Site'}
      aside={
        <button type="button" className="button button-small" onClick={onClose} data-testid="site-close">
          Close
        </button>
      }
    >
      {detail.error ? <ErrorLine what="the site" error={detail.error} onRetry={detail.refetch} /> : null}
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
      ) : detail.loading ? (
        <p className="muted">Loading…</p>
      ) : null}
    </Panel>
  );
}
