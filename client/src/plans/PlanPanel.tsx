import './plans.css';
import {
  PatrolPlanDocument,
  type PatrolPlanFieldsFragment,
  type PatrolPlanInput,
  PatrolUnitsDocument,
  SavePatrolPlanDocument,
} from '@vigil/schema';
import { useEffect, useState } from 'react';
import { useApi } from '../api/ApiProvider';
import { errorMessage } from '../api/client';
import { useGraphQL } from '../api/queries';
import { DateTimeField } from '../forms/DateFields';
import { Figure, Panel } from '../panels/Panel';
import { PatrolSheet } from './PatrolSheet';
import { ACTIVITY_LABELS, hhmm, km, type PlanOnMap } from './planView';

/** A local time today, in milliseconds. */
function todayAt(hours: number): number {
  const d = new Date();
  d.setHours(hours, 0, 0, 0);
  return d.getTime();
}

const UNPLANNED_LABELS = { TIME: 'shift full', DISTANCE: 'out of reach', WINDOW: 'window' } as const;

/**
 * The planner's patrol plan: pick units and a shift, preview the plan (numbered stops and
 * the route on the map, what could not fit and why), save it as the units' plan, print the
 * patrol sheet.
 */
export function PlanPanel({ onShow }: { onShow: (plan: PlanOnMap | null) => void }) {
  const { run } = useApi();
  const units = useGraphQL(PatrolUnitsDocument, undefined);
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const [from, setFrom] = useState(todayAt(7));
  const [to, setTo] = useState(todayAt(23));
  const [dosage, setDosage] = useState(false);
  const [busy, setBusy] = useState<'preview' | 'save' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [plan, setPlan] = useState<PatrolPlanFieldsFragment | null>(null);

  // The reassurance cars are the default choice (mission: one in Camden, one in Islington).
  const list = units.data?.patrolUnits ?? [];
  const selected = chosen ?? new Set(list.filter((u) => u.kind === 'CAR').map((u) => u.id));

  useEffect(() => onShow(plan ? { units: plan.units } : null), [plan, onShow]);

  const input = (): PatrolPlanInput => ({
    unitIds: [...selected],
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    ...(dosage
      ? { dosage: { filter: { categories: ['vehicle-crime'], darkness: 'DARK' }, cells: 3, minutes: 12, activity: 'LETTER_DROP' } }
      : {}),
  });
  const go = async (what: 'preview' | 'save') => {
    setBusy(what);
    setError(null);
    try {
      const result =
        what === 'preview'
          ? (await run(PatrolPlanDocument, { input: input() })).patrolPlan
          : (await run(SavePatrolPlanDocument, { input: input() })).savePatrolPlan;
      setPlan(result);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <Panel id="plan" title="Patrol plan">
      <form
        className="plan-form"
        onSubmit={(e) => {
          e.preventDefault();
          void go('preview');
        }}
      >
        <fieldset className="plan-units">
          <legend>Units</legend>
          {list.map((u) => (
            <label key={u.id} className="check">
              <input
                type="checkbox"
                checked={selected.has(u.id)}
                onChange={(e) => {
                  const next = new Set(selected);
                  if (e.target.checked) next.add(u.id);
                  else next.delete(u.id);
                  setChosen(next);
                  setPlan(null);
                }}
              />
              {u.callSign} <span className="muted">{u.kind.toLowerCase()}</span>
            </label>
          ))}
        </fieldset>
        <div className="plan-times">
          <DateTimeField label="Shift from" value={from} onChange={setFrom} required />
          <DateTimeField label="to" value={to} onChange={setTo} required />
        </div>
        <label className="check">
          <input type="checkbox" checked={dosage} onChange={(e) => setDosage(e.target.checked)} />
          Letter drops at the 3 top vehicle-crime hot spots after dark
        </label>
        <div className="plan-actions">
          <button type="submit" className="button" disabled={busy !== null || selected.size === 0} data-testid="plan-preview">
            {busy === 'preview' ? 'Planning…' : 'Preview plan'}
          </button>
          <button
            type="button"
            className="button button-primary"
            disabled={busy !== null || !plan}
            onClick={() => void go('save')}
            data-testid="plan-save"
          >
            {busy === 'save' ? 'Saving…' : plan?.id ? 'Saved ✓' : 'Save plan'}
          </button>
          <button type="button" className="button" disabled={!plan} onClick={() => window.print()} data-testid="plan-print">
            Print patrol sheet
          </button>
        </div>
      </form>
      {error ? (
        <p className="error-inline" role="alert" data-testid="plan-error">
          {error}
        </p>
      ) : null}
      {plan ? <PlanSummary plan={plan} /> : null}
      {plan ? <PatrolSheet units={plan.units} method={plan.method.description} /> : null}
    </Panel>
  );
}

function PlanSummary({ plan }: { plan: PatrolPlanFieldsFragment }) {
  return (
    <div className="plan-summary" data-testid="plan-summary" data-plan-id={plan.id ?? ''}>
      <dl className="kpis kpis-compact">
        <Figure label="Visits planned" value={`${plan.plannedVisits} of ${plan.requiredVisits}`} testId="plan-visits" />
        <Figure
          label="Travel"
          value={km(plan.travelMetres)}
          note={`beside a nearest-neighbour round (nearest place first, priorities ignored): ${km(plan.solver.nearestNeighbourMetres)} for ${plan.solver.nearestNeighbourVisits} stops; no plan of these stops is under ${km(plan.solver.lowerBoundMetres)}`}
        />
        <Figure label="Dosage stops" value={String(plan.dosageStops)} />
      </dl>
      <p className="panel-note" data-testid="plan-method">
        {plan.method.description}
      </p>
      {plan.units.map((u) => (
        <details key={u.unit.id} className="plan-unit" open={plan.units.length === 1}>
          <summary>
            {u.unit.callSign}: {u.stops.length} stops, {km(u.travelMetres)}
          </summary>
          <ol className="plan-stops">
            {u.stops.map((s) => (
              <li key={s.sequence}>
                <span className="plan-time">
                  {hhmm(s.arriveAt)}–{hhmm(s.departAt)}
                </span>{' '}
                {s.placeName} <span className="muted">· {ACTIVITY_LABELS[s.activity]}</span>
              </li>
            ))}
          </ol>
        </details>
      ))}
      {plan.unplanned.length ? (
        <div className="plan-unplanned" data-testid="plan-unplanned">
          <h3 className="subhead">Could not fit ({plan.unplanned.length})</h3>
          <ul>
            {plan.unplanned.map((u) => (
              <li key={`${u.placeName}-${u.visitNumber}`}>
                <strong>{u.placeName}</strong>, visit {u.visitNumber}: {UNPLANNED_LABELS[u.reason]} — {u.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </div>
  );
}
