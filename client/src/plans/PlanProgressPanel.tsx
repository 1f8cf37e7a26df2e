import './plans.css';
import { PatrolPlansDocument } from '@vigil/schema';
import { useEffect, useMemo, useState } from 'react';
import { useGraphQL } from '../api/queries';
import { EmptyState, ErrorLine, Panel } from '../panels/Panel';
import { PatrolSheet } from './PatrolSheet';
import { hhmm, type PlanOnMap, type Progress, STATE_COLOURS, STATE_LABELS, stopState } from './planView';

/** How often progress is asked for when no visit event comes (the live feed refreshes it sooner). */
const POLL_MS = 15_000;

/**
 * The superintendent's view of today's plans against what the units do: per unit, stops
 * done, the next one and those late (from the visits ingest detects), and at the end of the
 * shift its score — planned visits made, dosage achieved.
 */
export function PlanProgressPanel({ onShow }: { onShow: (plan: PlanOnMap | null) => void }) {
  const [at, setAt] = useState(() => new Date().toISOString());
  // A visit recorded anywhere may make a stop: the live cache marks the plans stale (api/liveCache.ts).
  const plans = useGraphQL(PatrolPlansDocument, { at });
  useEffect(() => {
    const timer = window.setInterval(() => setAt(new Date().toISOString()), POLL_MS);
    return () => window.clearInterval(timer);
  }, []);
  const list = plans.data?.patrolPlans;
  const view = useMemo<PlanOnMap | null>(
    () => (list?.length ? { units: list, progress: new Map(list.map((p) => [p.unit.id, p.progress as Progress])) } : null),
    [list],
  );
  useEffect(() => onShow(view), [view, onShow]);

  return (
    <Panel id="plan-progress" title="Plans today">
      {plans.error ? <ErrorLine what="the plans" error={plans.error} onRetry={() => void plans.refetch()} /> : null}
      {list && list.length === 0 ? (
        <EmptyState
          what="Each unit’s plan, with its stops done, next and late."
          todo="No unit has a saved plan for now: a planner makes one."
        />
      ) : null}
      {list?.map((plan) => {
        const p = plan.progress;
        const next = plan.stops.find((s) => s.sequence === p.nextSequence);
        return (
          <div key={plan.unit.id} className="progress-unit" data-testid="plan-progress-unit" data-unit={plan.unit.callSign}>
            <h3 className="subhead">
              {plan.unit.callSign}{' '}
              <span className="muted">
                {hhmm(plan.startsAt)}–{hhmm(plan.to)}
              </span>
            </h3>
            <p className="progress-line">
              <span data-testid="progress-done">{p.done}</span> of {plan.stops.length} done ·{' '}
              <span style={{ color: STATE_COLOURS.LATE }} data-testid="progress-late">
                {p.late} late
              </span>
              {next ? (
                <>
                  {' '}
                  · next <strong>#{next.sequence}</strong> {next.placeName} at {hhmm(next.arriveAt)}
                </>
              ) : null}
            </p>
            <div className="progress-bar" aria-hidden="true">
              {plan.stops.map((s) => {
                const state = stopState(p, s.sequence) ?? 'PLANNED';
                return (
                  <span key={s.sequence} title={`#${s.sequence} ${STATE_LABELS[state]}`} style={{ background: STATE_COLOURS[state] }} />
                );
              })}
            </div>
            {p.finished ? (
              <p className="progress-score" data-testid="progress-score">
                Shift score: {p.score.visitsMade} of {p.score.plannedVisits} planned visits made ({p.score.koperCompliantVisits}{' '}
                Koper-compliant); dosage {Math.round(p.score.dosageMinutesAchieved)} of {p.score.plannedDosageMinutes} min.
              </p>
            ) : (
              <p className="panel-note">
                So far: {p.score.visitsMade} of {p.score.plannedVisits} visits made, {p.score.koperCompliantVisits} of 10–16 min; dosage{' '}
                {Math.round(p.score.dosageMinutesAchieved)} of {p.score.plannedDosageMinutes} min.
              </p>
            )}
          </div>
        );
      })}
      {list?.length ? <PatrolSheet units={list} method={list[0]!.method.description} /> : null}
    </Panel>
  );
}
