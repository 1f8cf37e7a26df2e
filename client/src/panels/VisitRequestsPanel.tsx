import {
  ApproveVisitRequestDocument,
  DashboardSitesDocument,
  PlaceSearchDocument,
  RejectVisitRequestDocument,
  type RiskLevel,
  type VisitRequestFieldsFragment,
  VisitRequestsDocument,
} from '@vigil/schema';
import { useId, useState } from 'react';
import { errorMessage } from '../api/client';
import { useGraphQL, useGraphQLMutation } from '../api/queries';
import { SITE_KIND_LABELS } from '../map/layers';
import { ErrorLine, Panel } from './Panel';

type Request = VisitRequestFieldsFragment;

interface Placing {
  requestId: string | null;
  at: [number, number] | null;
}

/** The site an approval put on the list, to show on the map. */
export interface ApprovedSite {
  id: string;
  name: string;
  latitude: number;
  longitude: number;
}

interface VisitRequestsPanelProps {
  placing: Placing;
  setPlacing: (placing: Placing) => void;
  onApproved: (site: ApprovedSite) => void;
  onFocus: (lat: number, lng: number, label: string) => void;
}

/** What changes when a request is decided: the requests, the site list and the place search. */
const DECIDED = [VisitRequestsDocument, DashboardSitesDocument, PlaceSearchDocument];

function RequestItem({
  request,
  placing,
  setPlacing,
  onDone,
  onFocus,
  onApproved,
}: { request: Request; onDone: (text: string) => void } & VisitRequestsPanelProps) {
  const approval = useGraphQLMutation(ApproveVisitRequestDocument, { invalidates: DECIDED });
  const rejection = useGraphQLMutation(RejectVisitRequestDocument, { invalidates: DECIDED });
  const id = useId();
  const [visits, setVisits] = useState(2);
  const [risk, setRisk] = useState<RiskLevel | ''>('');
  const [reason, setReason] = useState('');
  const [rejecting, setRejecting] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const location = request.location as { coordinates?: [number, number] } | null;
  const isPlacing = placing.requestId === request.id;
  const placedAt = isPlacing ? placing.at : null;
  const canApprove = Boolean(location?.coordinates) || placedAt !== null;

  async function approve() {
    setBusy(true);
    setError(null);
    try {
      const { approveVisitRequest } = await approval.mutateAsync({
        id: request.id,
        requiredVisitsPerDay: visits,
        riskLevel: risk || undefined,
        location: location?.coordinates ? undefined : ({ type: 'Point', coordinates: [placedAt![1], placedAt![0]] } as never),
      });
      setPlacing({ requestId: null, at: null });
      onDone(`“${request.placeName}” is on the patrol list with ${visits} visit${visits === 1 ? '' : 's'} a day.`);
      const site = approveVisitRequest.site;
      const [lng, lat] = (site?.location as { coordinates?: [number, number] } | undefined)?.coordinates ?? [];
      if (site && lat !== undefined && lng !== undefined) onApproved({ id: site.id, name: site.name, latitude: lat, longitude: lng });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function reject() {
    if (!reason.trim()) {
      setError('Say why the request is turned down.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await rejection.mutateAsync({ id: request.id, reason: reason.trim() });
      onDone(`Turned down “${request.placeName}”.`);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <li className="request" data-testid="visit-request">
      <p>
        <strong>{request.placeName}</strong> · {SITE_KIND_LABELS[request.kind]}
        {request.community ? ` · ${request.community}` : ''}
      </p>
      <p className="muted">
        Asked by {request.requesterName}
        {request.address ? `, ${request.address}` : ''}
        {request.reason ? `: “${request.reason}”` : ''}
      </p>
      <div className="form-grid">
        <label htmlFor={`${id}-visits`}>Visits a day</label>
        <input
          id={`${id}-visits`}
          type="number"
          min={1}
          max={48}
          value={visits}
          onChange={(e) => setVisits(Math.max(1, Math.min(48, Number(e.target.value) || 1)))}
        />
        <label htmlFor={`${id}-risk`}>Risk</label>
        <select id={`${id}-risk`} value={risk} onChange={(e) => setRisk(e.target.value as RiskLevel | '')}>
          <option value="">From visits a day</option>
          <option value="CRITICAL">Critical</option>
          <option value="HIGH">High</option>
          <option value="MEDIUM">Medium</option>
          <option value="LOW">Low</option>
        </select>
        <span className="form-label">Location</span>
        <span>
          {location?.coordinates ? (
            <button
              type="button"
              className="link-button"
              onClick={() => onFocus(location.coordinates![1], location.coordinates![0], request.placeName)}
            >
              Show on map
            </button>
          ) : placedAt ? (
            <>
              Placed on the map.{' '}
              <button type="button" className="link-button" onClick={() => setPlacing({ requestId: request.id, at: null })}>
                Place again
              </button>
            </>
          ) : isPlacing ? (
            <span className="notice-inline" data-testid="request-placing">
              Click the map where the place is.{' '}
              <button type="button" className="link-button" onClick={() => setPlacing({ requestId: null, at: null })}>
                Cancel
              </button>
            </span>
          ) : (
            <button
              type="button"
              className="button button-small"
              onClick={() => setPlacing({ requestId: request.id, at: null })}
              data-testid="request-place"
            >
              Place on map
            </button>
          )}
        </span>
      </div>
      {error ? (
        <p className="error-inline" role="alert">
          {error}
        </p>
      ) : null}
      <div className="row">
        <button
          type="button"
          className="button button-primary button-compact"
          disabled={busy || !canApprove}
          onClick={approve}
          data-testid="request-approve"
        >
          Approve
        </button>
        <button type="button" className="button button-small" onClick={() => setRejecting(!rejecting)} aria-expanded={rejecting}>
          Reject…
        </button>
      </div>
      {rejecting ? (
        <div className="field">
          <label htmlFor={`${id}-reason`}>Why not</label>
          <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} maxLength={2000} />
          <button type="button" className="button button-small button-danger" onClick={reject} disabled={busy}>
            Reject the request
          </button>
        </div>
      ) : null}
    </li>
  );
}

/** "Let us know and we will add it to the list": reassurance-visit requests waiting for a planner. */
export function VisitRequestsPanel({ placing, setPlacing, onApproved, onFocus }: VisitRequestsPanelProps) {
  const requests = useGraphQL(VisitRequestsDocument, { status: 'PENDING' });
  const [done, setDone] = useState<string | null>(null);
  const list = requests.data?.visitRequests;
  return (
    <Panel id="requests" title="Visit requests">
      {requests.error ? <ErrorLine what="the requests" error={requests.error} onRetry={() => void requests.refetch()} /> : null}
      {done ? (
        <p className="success" role="status">
          {done}
        </p>
      ) : null}
      {list === undefined ? (
        <p className="muted">Loading…</p>
      ) : list.length === 0 ? (
        <p className="muted" data-testid="requests-none">
          No requests waiting.
        </p>
      ) : (
        <ul className="requests" data-testid="visit-requests">
          {list.map((r) => (
            <RequestItem
              key={r.id}
              request={r}
              placing={placing}
              setPlacing={setPlacing}
              onFocus={onFocus}
              onApproved={onApproved}
              onDone={setDone}
            />
          ))}
        </ul>
      )}
      <p className="panel-note">Oldest first. Approving puts the place on the patrol list as a site.</p>
    </Panel>
  );
}
