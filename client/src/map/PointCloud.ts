import { DomUtil, type LatLng, Layer, type Map as LeafletMap, type Point, Util, type ZoomAnimEvent } from 'leaflet';
import type { IncidentPoints } from './incidentPoints';

/** How one class of points is drawn. */
export interface PointClass {
  radius: number;
  fill: string;
  stroke: string;
  strokeWidth: number;
}

export interface PointCloudOptions {
  pane: string;
  /** Which class (index into `classes`) each point is drawn in; later classes draw on top. */
  classOf: (points: IncidentPoints, k: number) => number;
  /** Classes at a zoom level: points may grow as the map zooms in. */
  classes: (zoom: number) => PointClass[];
}

/** The canvas reaches this share of the view beyond each edge, so a short pan shows points already drawn. */
const PADDING = 0.25;

/**
 * Tens of thousands of incident points on one canvas, drawn from typed arrays (no Leaflet
 * layer or object per point, unlike circle markers, which stop scaling past a few
 * thousand). Like Leaflet's own renderers the canvas moves with the map while it is
 * dragged and is redrawn once the move ends; during a zoom it is scaled by CSS.
 */
export class PointCloud extends Layer {
  private canvas: HTMLCanvasElement | null = null;
  private points: IncidentPoints | null = null;
  private topLeft: LatLng | null = null;
  private readonly cloud: PointCloudOptions;

  constructor(options: PointCloudOptions) {
    super();
    // Leaflet's classes take options through setOptions, not their constructor.
    Util.setOptions(this, { pane: options.pane });
    this.cloud = options;
  }

  setPoints(points: IncidentPoints | null): this {
    this.points = points;
    if (this._map) this.redraw();
    return this;
  }

  override onAdd(map: LeafletMap): this {
    this.canvas = DomUtil.create('canvas', 'point-cloud leaflet-zoom-animated');
    this.canvas.style.pointerEvents = 'none';
    this.getPane()?.appendChild(this.canvas);
    this.redraw();
    map.on('moveend viewreset resize', this.redraw, this);
    map.on('zoomanim', this.animateZoom, this);
    return this;
  }

  override onRemove(map: LeafletMap): this {
    map.off('moveend viewreset resize', this.redraw, this);
    map.off('zoomanim', this.animateZoom, this);
    this.canvas?.remove();
    this.canvas = null;
    return this;
  }

  /** The point nearest a spot on screen, within `tolerance` pixels; -1 when none is that close. */
  nearest(containerPoint: Point, tolerance: number): number {
    const map = this._map;
    const p = this.points;
    if (!map || !p) return -1;
    const scale = 256 * 2 ** map.getZoom();
    const origin = map.getPixelOrigin();
    const at = map.containerPointToLayerPoint(containerPoint);
    let best = -1;
    let bestDistance = tolerance * tolerance;
    for (let k = 0; k < p.count; k++) {
      const dx = p.x[k]! * scale - origin.x - at.x;
      const dy = p.y[k]! * scale - origin.y - at.y;
      const d = dx * dx + dy * dy;
      if (d <= bestDistance) {
        bestDistance = d;
        best = k;
      }
    }
    return best;
  }

  redraw(): void {
    const map = this._map;
    const canvas = this.canvas;
    if (!map || !canvas) return;
    const size = map.getSize();
    const pad = size.multiplyBy(PADDING).round();
    const topLeft = map.containerPointToLayerPoint(pad.multiplyBy(-1));
    this.topLeft = map.layerPointToLatLng(topLeft);
    DomUtil.setPosition(canvas, topLeft);
    const width = size.x + 2 * pad.x;
    const height = size.y + 2 * pad.y;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    canvas.style.width = `${width}px`;
    canvas.style.height = `${height}px`;
    const ctx = canvas.getContext('2d');
    const p = this.points;
    if (!ctx || !p || p.count === 0) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);

    const zoom = map.getZoom();
    const classes = this.cloud.classes(zoom);
    const sprites = classes.map((c) => sprite(c, ratio));
    const scale = 256 * 2 ** zoom;
    const origin = map.getPixelOrigin();
    const offsetX = origin.x + topLeft.x;
    const offsetY = origin.y + topLeft.y;
    // One pass per class, so the later ones (hate crime) stay on top.
    const classOf = new Uint8Array(p.count);
    for (let k = 0; k < p.count; k++) classOf[k] = this.cloud.classOf(p, k);
    for (let c = 0; c < classes.length; c++) {
      const s = sprites[c]!;
      const half = s.size / 2;
      for (let k = 0; k < p.count; k++) {
        if (classOf[k] !== c) continue;
        const x = p.x[k]! * scale - offsetX;
        const y = p.y[k]! * scale - offsetY;
        if (x < -half || y < -half || x > width + half || y > height + half) continue;
        ctx.drawImage(s.canvas, x - half, y - half, s.size, s.size);
      }
    }
  }

  /** During a zoom, the drawn canvas is moved and scaled to where the new view will put it (as Leaflet's ImageOverlay does). */
  private animateZoom(event: ZoomAnimEvent): void {
    const map = this._map as LeafletMap & { _latLngToNewLayerPoint(latlng: LatLng, zoom: number, center: LatLng): Point };
    if (!this.canvas || !this.topLeft) return;
    const scale = map.getZoomScale(event.zoom);
    DomUtil.setTransform(this.canvas, map._latLngToNewLayerPoint(this.topLeft, event.zoom, event.center), scale);
  }
}

/** A point drawn once on a small canvas, then stamped: far cheaper than a path per point. */
function sprite(c: PointClass, ratio: number): { canvas: HTMLCanvasElement; size: number } {
  const size = Math.ceil(2 * (c.radius + c.strokeWidth) + 2);
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(size * ratio);
  canvas.height = Math.ceil(size * ratio);
  const ctx = canvas.getContext('2d');
  if (ctx) {
    ctx.scale(ratio, ratio);
    ctx.beginPath();
    ctx.arc(size / 2, size / 2, c.radius, 0, 2 * Math.PI);
    ctx.fillStyle = c.fill;
    ctx.fill();
    if (c.strokeWidth > 0) {
      ctx.lineWidth = c.strokeWidth;
      ctx.strokeStyle = c.stroke;
      ctx.stroke();
    }
  }
  return { canvas, size };
}
