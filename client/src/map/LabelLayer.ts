import { DomUtil, type LatLngExpression, Layer, type Map as LeafletMap, Util } from 'leaflet';
import { declutter } from './declutter';

export interface MapLabel {
  at: LatLngExpression;
  text: string;
  /** Higher first: when labels collide, the lower one is hidden. */
  priority: number;
}

/**
 * Names on the map (wards, zones) as DOM text in a pane, laid out after each zoom so no two
 * overlap: the lower-priority one is hidden until there is room (see declutter). Hidden
 * during a zoom animation (`leaflet-zoom-hide`), like Leaflet's own markers.
 */
export class LabelLayer extends Layer {
  private container: HTMLElement | null = null;
  private elements: { label: MapLabel; element: HTMLElement; w: number; h: number }[] = [];

  constructor(
    pane: string,
    private labels: readonly MapLabel[],
    private readonly className: string,
    private readonly minZoom = 0,
  ) {
    super();
    // Leaflet's classes take options through setOptions, not their constructor.
    Util.setOptions(this, { pane });
  }

  setLabels(labels: readonly MapLabel[]): void {
    this.labels = labels;
    if (this._map) this.build();
  }

  override onAdd(map: LeafletMap): this {
    this.container = DomUtil.create('div', `map-labels ${this.className} leaflet-zoom-hide`, this.getPane());
    this.build();
    map.on('zoomend viewreset', this.layout, this);
    return this;
  }

  override onRemove(map: LeafletMap): this {
    map.off('zoomend viewreset', this.layout, this);
    this.container?.remove();
    this.container = null;
    return this;
  }

  private build(): void {
    const container = this.container;
    if (!container) return;
    container.replaceChildren();
    this.elements = [...this.labels]
      .sort((a, b) => b.priority - a.priority)
      .map((label) => {
        const element = DomUtil.create('div', 'map-label', container);
        element.textContent = label.text;
        return { label, element, w: element.offsetWidth, h: element.offsetHeight };
      });
    this.layout();
  }

  private layout(): void {
    const map = this._map;
    if (!map || !this.container) return;
    const show = map.getZoom() >= this.minZoom;
    this.container.style.display = show ? '' : 'none';
    if (!show) return;
    const points = this.elements.map((e) => map.latLngToLayerPoint(e.label.at));
    // A little air around each name, so neighbours do not touch.
    const chosen = declutter(
      this.elements.map((e, k) => [{ x: points[k]!.x - e.w / 2 - 4, y: points[k]!.y - e.h / 2 - 2, w: e.w + 8, h: e.h + 4 }]),
    );
    this.elements.forEach((e, k) => {
      e.element.hidden = chosen[k]! < 0;
      DomUtil.setPosition(e.element, points[k]!.subtract([e.w / 2, e.h / 2]).round());
    });
  }
}
