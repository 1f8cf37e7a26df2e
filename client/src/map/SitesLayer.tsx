import { DashboardSiteDetailDocument } from '@vigil/schema';
import { divIcon } from 'leaflet';
import { useMemo } from 'react';
import { Marker, Pane, Popup } from 'react-leaflet';
import { useVisitPolling } from '../api/liveCache';
import { useGraphQL } from '../api/queries';
import { formatDateTime } from '../state/period';
import { COVERAGE_COLOURS, COVERAGE_LABELS, SITE_KIND_LABELS } from './layers';
import { escapeHtml } from './panes';
import { siteIconSvg } from './siteIcons';
import type { SitePoint } from './useSites';

/** The visit history in the popup: fetched when the popup opens (react-leaflet renders popup content only while open). */
function SitePopup({ site, onSelect }: { site: SitePoint; onSelect: (id: string) => void }) {
  // The same query, with the same variables, as the site panel: opening the full history reads the site once.
  const detail = useGraphQL(DashboardSiteDetailDocument, { id: site.id }, { refetchInterval: useVisitPolling() });
  const visits = detail.data?.site.visits ?? [];
  return (
    <div className="site-popup" data-testid="site-popup">
      <strong>{site.name}</strong>
      <div className="site-popup-meta">
        {SITE_KIND_LABELS[site.kind]} · {site.riskLevel.toLowerCase()} risk · {site.requiredVisitsPerDay} visits a day
      </div>
      <div className="site-popup-state" style={{ color: COVERAGE_COLOURS[site.coverage.state] }}>
        {COVERAGE_LABELS[site.coverage.state]}
      </div>
      <div className="site-popup-visits">
        {detail.isPending ? (
          'Loading visits…'
        ) : detail.error ? (
          `Could not load the visits: ${detail.error.message}`
        ) : visits.length === 0 ? (
          'No visits in the last 7 days.'
        ) : (
          <>
            Last 7 days: {visits.length} visit{visits.length === 1 ? '' : 's'}
            <ul>
              {visits.slice(0, 5).map((v) => (
                <li key={v.id}>
                  {formatDateTime(v.enteredAt)} · {v.unit.callSign} · {Math.round(v.dwellMinutes)} min{v.koperCompliant ? ' (Koper)' : ''}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      <button type="button" className="button button-small" onClick={() => onSelect(site.id)}>
        Full history
      </button>
    </div>
  );
}

function SiteMarker({ site, selected, onSelect }: { site: SitePoint; selected: boolean; onSelect: (id: string) => void }) {
  const state = site.coverage.state;
  const icon = useMemo(
    () =>
      divIcon({
        className: `site-marker site-${state.toLowerCase()}${selected ? ' site-selected' : ''}`,
        html: `<span data-testid="site-marker" data-site-id="${escapeHtml(site.id)}" data-state="${state}" data-kind="${site.kind}">${siteIconSvg(site.kind, COVERAGE_COLOURS[state])}</span>`,
        iconSize: [26, 26],
        iconAnchor: [13, 13],
        popupAnchor: [0, -12],
      }),
    [site.id, site.kind, state, selected],
  );
  return (
    <Marker
      position={[site.latitude, site.longitude]}
      icon={icon}
      title={`${site.name}: ${SITE_KIND_LABELS[site.kind]}, ${COVERAGE_LABELS[state].split(':')[0]!.toLowerCase()}`}
      alt={site.name}
      keyboard
      riseOnHover
      pane="sites"
      pmIgnore
    >
      <Popup minWidth={220} pane="popupPane">
        <SitePopup site={site} onSelect={onSelect} />
      </Popup>
    </Marker>
  );
}

/**
 * Sites as DOM markers (a borough lists tens to a few hundred): each is focusable with the
 * keyboard and opens a popup with its visit history. Locations are sensitive: nothing here
 * is cached beyond the page.
 */
export function SitesLayer({
  sites,
  selectedId,
  onSelect,
}: {
  sites: readonly SitePoint[] | undefined;
  selectedId: string | null;
  onSelect: (id: string) => void;
}) {
  return (
    <Pane name="sites" style={{ zIndex: 620 }} ref={(element: HTMLElement | null) => element?.setAttribute('data-testid', 'layer-sites')}>
      {(sites ?? []).map((site) => (
        <SiteMarker key={site.id} site={site} selected={site.id === selectedId} onSelect={onSelect} />
      ))}
    </Pane>
  );
}
