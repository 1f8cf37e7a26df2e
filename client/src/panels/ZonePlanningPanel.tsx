import {
  CreateZoneDocument,
  DashboardPreviewZoneDocument,
  DashboardZoneCoverageDocument,
  DeleteZoneDocument,
  type IncidentFilter,
  PlaceSearchDocument,
  UpdateZoneDocument,
  ZonesDocument,
} from '@vigil/schema';
import type { Geometry } from 'geojson';
import { useEffect, useId, useState } from 'react';
import { errorMessage } from '../api/client';
import { useGraphQL, useGraphQLMutation } from '../api/queries';
import { boundsOf, centreOf } from '../map/geometry';
import type { MapFocus } from '../map/MapView';
import type { Zone } from '../map/useZones';
import type { ZoneEditorState } from '../map/ZoneEditorLayer';
import { clampTo31Days, type Period } from '../state/period';
import { formatArea, formatCount, formatRatio, formatShare } from './format';
import { Figure, Panel } from './Panel';

/** Figures follow the outline this long after the last change, so dragging a corner sends one preview, not fifty. */
const PREVIEW_DEBOUNCE_MS = 400;

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = window.setTimeout(() => setDebounced(value), ms);
    return () => window.clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/** What changes when a zone does: the zones, their coverage, and the place search. */
const ZONE_CHANGES = [ZonesDocument, DashboardZoneCoverageDocument, PlaceSearchDocument];

function Preview({ boundary, period, filter }: { boundary: Geometry; period: Period; filter: IncidentFilter }) {
  const debounced = useDebounced(boundary, PREVIEW_DEBOUNCE_MS);
  const window31 = clampTo31Days(period);
  // The map's filter (categories, darkness, hate crime), over the last 31 days at most.
  const preview = useGraphQL(DashboardPreviewZoneDocument, {
    boundary: debounced as never,
    filter: { ...filter, from: window31.from, to: window31.to },
  });
  const p = preview.data?.previewZone;
  const stale = preview.isFetching || debounced !== boundary;
  return (
    <div className={`zone-preview${stale ? ' is-stale' : ''}`} data-testid="zone-preview" aria-live="polite" aria-busy={stale}>
      <h3 className="subhead">
        What this outline covers{' '}
        <span className="muted">
          ({period.label}
          {window31.clamped ? ', last 31 days' : ''})
        </span>
      </h3>
      {preview.error ? (
        <p className="error-inline" role="alert" data-testid="zone-preview-error">
          {preview.error.message}
        </p>
      ) : null}
      {p ? (
        <p className="panel-note" data-testid="preview-filter">
          Incidents counted: {p.filter.description}.
        </p>
      ) : null}
      {p ? (
        <dl className="kpis kpis-compact">
          <Figure
            testId="preview-area"
            label="Area"
            value={formatArea(p.areaSquareMetres)}
            note={`${formatShare(p.areaSquareMetres / p.commandAreaSquareMetres)} of the command area`}
          />
          <Figure
            testId="preview-incidents"
            label="Incidents inside"
            value={formatCount(p.incidents)}
            note={`${formatShare(p.incidentsInCommandArea ? p.incidents / p.incidentsInCommandArea : null)} of ${formatCount(p.incidentsInCommandArea)}`}
          />
          <Figure testId="preview-pai" label="PAI" value={formatRatio(p.pai, 1)} note="Share of incidents ÷ share of area" />
          <Figure
            testId="preview-hot-cells"
            label="Hot-spot cells"
            value={`${formatCount(p.hotCellsCaptured)} of ${formatCount(p.hotCellsTotal)}`}
            note="Gi* 250 m cells, 95 % or more"
          />
          <Figure
            testId="preview-sites"
            label="Sites inside"
            value={formatCount(p.sites.length)}
            note={
              p.sites.length
                ? p.sites
                    .slice(0, 4)
                    .map((s) => s.site.name)
                    .join(', ') + (p.sites.length > 4 ? '…' : '')
                : undefined
            }
          />
        </dl>
      ) : !preview.error ? (
        <p className="muted">Working out the figures…</p>
      ) : null}
    </div>
  );
}

interface ZonePlanningPanelProps {
  zones: readonly Zone[] | undefined;
  editor: ZoneEditorState;
  setEditor: (editor: ZoneEditorState) => void;
  period: Period;
  /** The map's incident filter: the preview counts what the map shows. */
  filter: IncidentFilter;
  onFocus: (focus: Omit<MapFocus, 'seq'>) => void;
}

/** Planner: draw, redraw and delete patrol zones, and see what each outline would cover before saving. */
export function ZonePlanningPanel({ zones, editor, setEditor, period, filter, onFocus }: ZonePlanningPanelProps) {
  const creation = useGraphQLMutation(CreateZoneDocument, { invalidates: ZONE_CHANGES });
  const change = useGraphQLMutation(UpdateZoneDocument, { invalidates: ZONE_CHANGES });
  const deletion = useGraphQLMutation(DeleteZoneDocument, { invalidates: ZONE_CHANGES });
  const id = useId();
  const [selectedId, setSelectedId] = useState('');
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [session, setSession] = useState(0);

  const selected = zones?.find((z) => z.id === selectedId) ?? null;
  const editing = editor.mode === 'editing' ? editor : null;

  const startDrawing = () => {
    setMessage(null);
    setConfirmDelete(false);
    setName('');
    setEditor({ mode: 'drawing' });
  };
  const startEditing = () => {
    if (!selected) return;
    setMessage(null);
    setConfirmDelete(false);
    setName(selected.name);
    setSession((n) => n + 1);
    setEditor({ mode: 'editing', zoneId: selected.id, boundary: selected.boundary as Geometry, session: session + 1 });
    const centre = centreOf(selected.boundary as Geometry);
    const bounds = boundsOf(selected.boundary as Geometry);
    if (centre && bounds) onFocus({ lat: centre[0], lng: centre[1], bounds, noMarker: true });
  };
  const cancel = () => {
    setEditor({ mode: 'idle' });
    setMessage(null);
  };

  async function save() {
    if (!editing) return;
    const trimmed = name.trim();
    if (!trimmed) {
      setMessage({ kind: 'error', text: 'Give the zone a name before saving.' });
      return;
    }
    setBusy(true);
    setMessage(null);
    try {
      if (editing.zoneId) {
        await change.mutateAsync({ id: editing.zoneId, input: { name: trimmed, boundary: editing.boundary as never } });
      } else {
        const { createZone } = await creation.mutateAsync({ input: { name: trimmed, boundary: editing.boundary as never } });
        setSelectedId(createZone.id);
      }
      setEditor({ mode: 'idle' });
      setMessage({ kind: 'ok', text: `Saved “${trimmed}”.` });
    } catch (e) {
      setMessage({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  }

  async function remove() {
    if (!selected) return;
    setBusy(true);
    try {
      await deletion.mutateAsync({ id: selected.id });
      setMessage({ kind: 'ok', text: `Deleted “${selected.name}”.` });
      setSelectedId('');
      setConfirmDelete(false);
      if (editing?.zoneId === selected.id) setEditor({ mode: 'idle' });
    } catch (e) {
      setMessage({ kind: 'error', text: errorMessage(e) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <Panel id="planner" title="Zone planning">
      <div className="zone-tools" data-testid="zone-tools">
        {editor.mode === 'idle' ? (
          <>
            <button type="button" className="button button-primary button-compact" onClick={startDrawing} data-testid="zone-draw">
              Draw a new zone
            </button>
            <div className="form-grid">
              <label htmlFor={`${id}-zone`}>Zone</label>
              <select
                id={`${id}-zone`}
                value={selectedId}
                onChange={(e) => {
                  setSelectedId(e.target.value);
                  setConfirmDelete(false);
                }}
                data-testid="zone-select"
              >
                <option value="">Choose a zone…</option>
                {(zones ?? []).map((z) => (
                  <option key={z.id} value={z.id}>
                    {z.name}
                    {z.borough ? ` (${z.borough})` : ''}
                  </option>
                ))}
              </select>
            </div>
            {selected ? (
              <div className="row">
                <button type="button" className="button button-small" onClick={startEditing} data-testid="zone-edit">
                  Redraw outline
                </button>
                <button
                  type="button"
                  className="button button-small button-danger"
                  onClick={() => setConfirmDelete(true)}
                  data-testid="zone-delete"
                >
                  Delete zone
                </button>
              </div>
            ) : null}
            {selected && confirmDelete ? (
              <div className="confirm" role="alertdialog" aria-label="Confirm deletion">
                <p>Delete “{selected.name}”? Its outline is lost; its history of patrols stays.</p>
                <div className="row">
                  <button
                    type="button"
                    className="button button-small button-danger"
                    onClick={remove}
                    disabled={busy}
                    data-testid="zone-delete-confirm"
                  >
                    Delete
                  </button>
                  <button type="button" className="button button-small" onClick={() => setConfirmDelete(false)}>
                    Keep it
                  </button>
                </div>
              </div>
            ) : null}
          </>
        ) : null}

        {editor.mode === 'drawing' ? (
          <div className="notice" data-testid="zone-drawing-help">
            <p>Click on the map to place the corners; click the first corner again to close the outline. Escape cancels.</p>
            <button type="button" className="button button-small" onClick={cancel} data-testid="zone-cancel">
              Cancel
            </button>
          </div>
        ) : null}

        {editing ? (
          <form
            className="zone-form"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <p className="panel-note">
              {editing.zoneId
                ? 'Drag the corners to redraw; click a midpoint to add a corner, right-click a corner to remove it.'
                : 'New zone: drag the corners to adjust it.'}
            </p>
            <div className="field">
              <label htmlFor={`${id}-name`}>Zone name</label>
              <input
                id={`${id}-name`}
                value={name}
                onChange={(e) => setName(e.target.value)}
                maxLength={200}
                required
                data-testid="zone-name"
              />
            </div>
            <Preview boundary={editing.boundary} period={period} filter={filter} />
            <div className="row">
              <button type="submit" className="button button-primary button-compact" disabled={busy} data-testid="zone-save">
                {busy ? 'Saving…' : editing.zoneId ? 'Save changes' : 'Save zone'}
              </button>
              <button type="button" className="button button-small" onClick={cancel} data-testid="zone-cancel">
                Cancel
              </button>
            </div>
          </form>
        ) : null}

        {message ? (
          <p
            className={message.kind === 'ok' ? 'success' : 'error-inline'}
            role={message.kind === 'ok' ? 'status' : 'alert'}
            data-testid="zone-message"
          >
            {message.text}
          </p>
        ) : null}
      </div>
    </Panel>
  );
}
