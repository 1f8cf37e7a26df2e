import { createPortal } from 'react-dom';
import { downloadCsv, stamp } from '../export/files';
import { SITE_KIND_LABELS } from '../map/layers';
import { formatDateTime, formatDuration } from '../state/period';
import type { OverdueSite } from './OverduePanel';
import { Panel } from './Panel';
import { headline, type SiteDay, useToday } from './today';

const visits = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const risk = (r: string) => r.charAt(0) + r.slice(1).toLowerCase();

/** The day's site list, sites short of visits first: what the morning briefing goes through. */
function dayRows(sites: readonly SiteDay[]) {
  return [...sites]
    .filter((s) => s.requiredVisits > 0)
    .sort((a, b) => a.achievedVisits / a.requiredVisits - b.achievedVisits / b.requiredVisits || a.site.name.localeCompare(b.site.name))
    .map((s) => ({
      id: s.site.id,
      name: s.site.name,
      kind: SITE_KIND_LABELS[s.site.kind],
      risk: risk(s.site.riskLevel),
      done: s.achievedVisits,
      required: s.requiredVisits,
      lastVisit: s.lastVisitAt ? formatDateTime(s.lastVisitAt) : 'never',
      unit: s.site.lastVisit?.unit.callSign ?? '',
      status: s.overdue ? 'Overdue' : s.achievedVisits >= s.requiredVisits ? 'Visits met' : 'Short',
    }));
}

function overdueRows(list: readonly OverdueSite[]) {
  return list.map((o) => ({
    id: o.site.id,
    name: o.site.name,
    kind: SITE_KIND_LABELS[o.site.kind],
    overdueFor: formatDuration(o.overdueMinutes * 60_000),
    dueSince: formatDateTime(o.dueBy),
    lastVisit: o.lastVisitAt ? formatDateTime(o.lastVisitAt) : 'never',
    perDay: o.site.requiredVisitsPerDay,
  }));
}

const DAY_HEADER = ['Site', 'Kind', 'Risk', 'Visits in the last 24 h', 'Visits required', 'Last visit', 'Last unit', 'Status'];
const OVERDUE_HEADER = ['Site', 'Kind', 'Overdue for', 'Due since', 'Last visit', 'Visits required a day'];

/** Prints the briefing alone (without a patrol sheet that may also be on the page). */
function printBriefing() {
  document.body.dataset.print = 'briefing';
  window.addEventListener('afterprint', () => delete document.body.dataset.print, { once: true });
  window.print();
}

/** The superintendent's briefing: the overdue list and the day's site list, as CSV and as a page to print (or save as PDF). */
export function BriefingPanel({ overdue }: { overdue: readonly OverdueSite[] | undefined }) {
  const today = useToday();
  const sites = today.data?.coverage.sites;
  return (
    <Panel id="briefing" title="Briefing">
      <p className="panel-note">For the morning briefing: the lists as they stand now, last 24 hours.</p>
      <div className="row row-wrap">
        <button
          type="button"
          className="button button-small"
          disabled={!overdue}
          onClick={() =>
            downloadCsv(
              `vigil-overdue-sites-${stamp()}.csv`,
              OVERDUE_HEADER,
              overdueRows(overdue ?? []).map((r) => [r.name, r.kind, r.overdueFor, r.dueSince, r.lastVisit, r.perDay]),
            )
          }
          data-testid="export-overdue"
        >
          Overdue list (CSV)
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={!sites}
          onClick={() =>
            downloadCsv(
              `vigil-site-list-${stamp()}.csv`,
              DAY_HEADER,
              dayRows(sites ?? []).map((r) => [r.name, r.kind, r.risk, r.done, visits(r.required), r.lastVisit, r.unit, r.status]),
            )
          }
          data-testid="export-sites"
        >
          Site list (CSV)
        </button>
        <button
          type="button"
          className="button button-small"
          disabled={!sites || !overdue}
          onClick={printBriefing}
          data-testid="print-briefing"
        >
          Print…
        </button>
      </div>
      {sites && overdue ? <PrintBriefing sites={sites} overdue={overdue} /> : null}
    </Panel>
  );
}

/** The printed page (see the print stylesheet): only this shows on paper; Chromium's "Save as PDF" makes the PDF. */
function PrintBriefing({ sites, overdue }: { sites: readonly SiteDay[]; overdue: readonly OverdueSite[] }) {
  const h = headline(sites);
  return createPortal(
    <section className="print-briefing" data-testid="print-briefing-view" aria-hidden="true">
      <h1>Reassurance patrols: briefing, {formatDateTime(new Date().toISOString())}</h1>
      <p>
        Last 24 hours: {h.met} of {h.listed} sites had all their visits; {visits(h.cappedAchieved)} of {visits(h.required)} required visits
        made (each site counted up to what it needs), {visits(h.missing)} missing. {overdue.length} site{overdue.length === 1 ? '' : 's'}{' '}
        overdue.
      </p>
      <h2>Overdue sites</h2>
      {overdue.length === 0 ? (
        <p>No site is overdue.</p>
      ) : (
        <table>
          <thead>
            <tr>
              {OVERDUE_HEADER.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {overdueRows(overdue).map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td>{r.kind}</td>
                <td>{r.overdueFor}</td>
                <td>{r.dueSince}</td>
                <td>{r.lastVisit}</td>
                <td>{r.perDay}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Sites on the list</h2>
      <table>
        <thead>
          <tr>
            {['Site', 'Kind', 'Risk', 'Visits done / required', 'Last visit', 'Last unit', 'Status'].map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {dayRows(sites).map((r) => (
            <tr key={r.id}>
              <td>{r.name}</td>
              <td>{r.kind}</td>
              <td>{r.risk}</td>
              <td>
                {r.done} / {visits(r.required)}
              </td>
              <td>{r.lastVisit}</td>
              <td>{r.unit}</td>
              <td>{r.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="print-note">Site locations are sensitive: keep this page with the briefing papers.</p>
    </section>,
    document.body,
  );
}
