import { CircleMarker, Pane, Tooltip } from 'react-leaflet';
import { PANES } from './layers';

/**
 * Where to move the map: a point at a zoom, or an extent to fit (a ward, a trace). `label`
 * names what is shown, on a marker at the point. `seq` makes the same place twice a new request.
 */
export interface MapFocus {
  lat: number;
  lng: number;
  zoom?: number;
  bounds?: [[number, number], [number, number]];
  label?: string;
  /** No marker: the layer shows the thing already (a trace). */
  noMarker?: boolean;
  seq: number;
}

/** A ring and a name where the map was asked to look, so a street-level view without tiles still says what is where. */
export function FocusMarker({ focus }: { focus: MapFocus | null }) {
  if (!focus || focus.noMarker) return null;
  return (
    <Pane
      name="focus"
      style={{ zIndex: PANES.focus }}
      ref={(element: HTMLElement | null) => element?.setAttribute('data-testid', 'layer-focus')}
    >
      <CircleMarker
        key={focus.seq}
        center={[focus.lat, focus.lng]}
        radius={16}
        pathOptions={{ color: '#c2185b', weight: 4, opacity: 1, fill: false, className: 'focus-ring', interactive: false }}
      >
        {focus.label ? (
          <Tooltip permanent direction="top" offset={[0, -16]} className="focus-label">
            {focus.label}
          </Tooltip>
        ) : null}
      </CircleMarker>
    </Pane>
  );
}
