import { useLeafletContext } from '@react-leaflet/core';
import { type Canvas, canvas, type FeatureGroup, featureGroup, type Map as LeafletMap, type RendererOptions } from 'leaflet';
import { useEffect, useMemo, useState } from 'react';
import type { PANES } from './layers';
import { ensurePane } from './panes';

/**
 * A feature group drawn on one canvas in its own pane, on the map while the component is
 * mounted: the base of the layers that draw thousands of shapes (cells, incident points),
 * where SVG or DOM markers would not keep up. Layers fill `group` with shapes that use
 * `renderer`; the pane is made on first use (see ensurePane).
 */
export function useCanvasGroup(
  pane: keyof typeof PANES,
  testId: string,
  options: Omit<RendererOptions, 'pane'> = {},
): { map: LeafletMap; group: FeatureGroup; renderer: Canvas } {
  const { map, layerContainer } = useLeafletContext();
  const [group] = useState(() => featureGroup());
  // biome-ignore lint/correctness/useExhaustiveDependencies: one renderer per mount; the options are constants of the caller
  const renderer = useMemo(() => canvas({ pane, padding: 0.1, ...options }), []);

  useEffect(() => {
    ensurePane(map, pane, testId);
    const container = layerContainer ?? map;
    container.addLayer(group);
    return () => {
      container.removeLayer(group);
      renderer.remove();
    };
  }, [map, layerContainer, group, renderer, pane, testId]);

  return { map, group, renderer };
}
