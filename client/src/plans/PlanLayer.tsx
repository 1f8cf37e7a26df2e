import { divIcon } from 'leaflet';
import { Fragment } from 'react';
import { Marker, Pane, Polyline, Tooltip } from 'react-leaflet';
import { escapeHtml } from '../map/panes';
import { ACTIVITY_LABELS, hhmm, type PlanOnMap, STATE_COLOURS, STATE_LABELS, stopState, UNIT_ROUTE_COLOURS } from './planView';

/**
 * A patrol plan on the map: each unit's route (the legs, along the streets when routed), its
 * stops numbered in order with their planned times, and — for the superintendent — each
 * stop coloured by where it stands (done, next, late).
 */
export function PlanLayer({ plan }: { plan: PlanOnMap | null | undefined }) {
  if (!plan || plan.units.length === 0) return null;
  return (
    <Pane name="plan" style={{ zIndex: 630 }} ref={(element: HTMLElement | null) => element?.setAttribute('data-testid', 'layer-plan')}>
      {plan.units.map((unit, u) => {
        const colour = UNIT_ROUTE_COLOURS[u % UNIT_ROUTE_COLOURS.length]!;
        const progress = plan.progress?.get(unit.unit.id);
        return (
          <Fragment key={unit.id ?? unit.unit.id}>
            {unit.stops.map((stop) => (
              <Polyline
                key={`leg-${stop.sequence}`}
                positions={(stop.route.coordinates as [number, number][]).map(([lng, lat]) => [lat, lng] as [number, number])}
                pathOptions={{ pmIgnore: true, color: colour, weight: 3, opacity: 0.8, dashArray: stop.sequence === 1 ? '6 6' : undefined }}
              />
            ))}
            {unit.stops.map((stop) => {
              const state = stopState(progress, stop.sequence);
              const fill = state ? STATE_COLOURS[state] : colour;
              return (
                <Marker
                  key={`stop-${stop.sequence}`}
                  position={[stop.latitude, stop.longitude]}
                  icon={divIcon({
                    className: 'plan-stop-icon',
                    html: `<span class="plan-stop" data-testid="plan-stop" data-unit="${escapeHtml(unit.unit.callSign)}" data-sequence="${stop.sequence}" data-state="${state ?? ''}" style="background:${fill}">${stop.sequence}</span>`,
                    iconSize: [22, 22],
                    iconAnchor: [11, 11],
                  })}
                >
                  <Tooltip direction="top" offset={[0, -10]}>
                    <strong>
                      {unit.unit.callSign} #{stop.sequence} · {hhmm(stop.arriveAt)}–{hhmm(stop.departAt)}
                    </strong>
                    <br />
                    {stop.placeName} · {ACTIVITY_LABELS[stop.activity]} · {stop.dwellMinutes} min
                    {state ? ` · ${STATE_LABELS[state]}` : ''}
                  </Tooltip>
                </Marker>
              );
            })}
          </Fragment>
        );
      })}
    </Pane>
  );
}
