import { createPortal } from 'react-dom';
import { ACTIVITY_LABELS, hhmm, km, type UnitPlanView } from './planView';

/** Koper (1995), as server/src/plans/rules.ts says it on the sheet. */
export const KOPER_REMINDER =
  'Stay 10–16 minutes at each stop (12 is the aim): drive-bys do little and stays past 16 minutes add little (Koper 1995). At a hot spot, come back within 2 hours.';

const day = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });

/**
 * The printable patrol sheet: one page per unit with its ordered stops, place names, times
 * and the Koper reminder. It sits outside the app in the page and is shown only in print
 * (see plans.css), so Print gives the sheet, not the dashboard.
 */
export function PatrolSheet({ units, method }: { units: readonly UnitPlanView[]; method: string }) {
  return createPortal(
    <div className="patrol-sheet" data-testid="patrol-sheet">
      {units.map((unit) => (
        <section key={unit.id ?? unit.unit.id} className="sheet-page" data-testid="sheet-page">
          <header className="sheet-head">
            <h1>
              Patrol sheet · {unit.unit.callSign} <span className="sheet-team">{unit.unit.team}</span>
            </h1>
            <p>
              {day.format(new Date(unit.startsAt))}, {hhmm(unit.startsAt)}–{hhmm(unit.to)} · {unit.stops.length} stops ·{' '}
              {km(unit.travelMetres)} of travel
            </p>
            <p className="sheet-koper" data-testid="sheet-koper">
              {KOPER_REMINDER}
            </p>
          </header>
          <table className="sheet-table">
            <thead>
              <tr>
                <th>#</th>
                <th>Arrive</th>
                <th>Leave</th>
                <th>Place</th>
                <th>Do</th>
                <th>Min</th>
                <th>Leg</th>
                <th>Done ✓ / time</th>
              </tr>
            </thead>
            <tbody>
              {unit.stops.map((stop) => (
                <tr key={stop.sequence}>
                  <td>{stop.sequence}</td>
                  <td>{hhmm(stop.arriveAt)}</td>
                  <td>{hhmm(stop.departAt)}</td>
                  <td>
                    {stop.placeName}
                    <span className="sheet-why">{stop.why}</span>
                  </td>
                  <td>{ACTIVITY_LABELS[stop.activity]}</td>
                  <td>{stop.dwellMinutes}</td>
                  <td>
                    {km(stop.travelMetres)}, {Math.round(stop.travelSeconds / 60)} min
                  </td>
                  <td className="sheet-tick" />
                </tr>
              ))}
            </tbody>
          </table>
          <p className="sheet-foot">Travel: {method}</p>
        </section>
      ))}
    </div>,
    document.body,
  );
}
