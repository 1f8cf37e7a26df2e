import type { Map as LeafletMap } from 'leaflet';
import { PANES } from './layers';

/**
 * The pane a layer draws in, made on first use. Its z-index puts the layer in its place
 * (outlines under cells under points under markers), and its `data-testid="layer-<id>"`
 * lets tests and people find the layer in the page.
 */
export function ensurePane(map: LeafletMap, name: keyof typeof PANES, testId?: string): HTMLElement {
  const pane = map.getPane(name) ?? map.createPane(name);
  pane.style.zIndex = String(PANES[name]);
  if (testId) pane.setAttribute('data-testid', testId);
  return pane;
}

/** Escapes text for Leaflet popups and tooltips, which take HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
