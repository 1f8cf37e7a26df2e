import { Control, DomEvent, DomUtil } from 'leaflet';
import { type ReactNode, useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { useMap } from 'react-leaflet';

interface MapControlProps {
  position: 'topleft' | 'topright' | 'bottomleft' | 'bottomright';
  className?: string;
  children: ReactNode;
}

/**
 * Renders React content as a Leaflet control, so it stacks with Leaflet's own controls in
 * the map corners and clicks or scrolls on it do not pan or zoom the map.
 */
export function MapControl({ position, className, children }: MapControlProps) {
  const map = useMap();
  const [container, setContainer] = useState<HTMLElement | null>(null);

  useEffect(() => {
    const control = new Control({ position });
    control.onAdd = () => {
      const element = DomUtil.create('div', `leaflet-control ${className ?? ''}`.trim());
      DomEvent.disableClickPropagation(element);
      DomEvent.disableScrollPropagation(element);
      return element;
    };
    control.addTo(map);
    setContainer(control.getContainer() ?? null);
    return () => {
      control.remove();
      setContainer(null);
    };
  }, [map, position, className]);

  return container ? createPortal(children, container) : null;
}
