import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { Rng } from './random.js';
import { loadWards, type Ward } from './wards.js';

/** [longitude, latitude], WGS84, as GeoJSON writes it. */
export type LonLat = [number, number];

/** Metres per degree of latitude; a degree of longitude is this times cos(latitude). */
const METRES_PER_DEGREE = 111_320;

/** The point `east` and `north` metres from `from` (flat-earth step: fine over a borough). */
export function offsetMetres(from: LonLat, east: number, north: number): LonLat {
  const [lon, lat] = from;
  return [lon + east / (METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180)), lat + north / METRES_PER_DEGREE];
}

/** Distance in metres (equirectangular: under 0.1 % off across a borough). */
export function distanceMetres(a: LonLat, b: LonLat): number {
  const meanLat = (((a[1] + b[1]) / 2) * Math.PI) / 180;
  const dx = (b[0] - a[0]) * METRES_PER_DEGREE * Math.cos(meanLat);
  const dy = (b[1] - a[1]) * METRES_PER_DEGREE;
  return Math.hypot(dx, dy);
}

/** Heading from a to b in degrees clockwise from north. */
export function headingDegrees(a: LonLat, b: LonLat): number {
  const meanLat = (((a[1] + b[1]) / 2) * Math.PI) / 180;
  const dx = (b[0] - a[0]) * Math.cos(meanLat);
  const dy = b[1] - a[1];
  return ((Math.atan2(dx, dy) * 180) / Math.PI + 360) % 360;
}

/** Rounds to 6 decimals (about 0.1 m): what a GPS reports and what keeps output stable. */
export function round6(p: LonLat): LonLat {
  return [Math.round(p[0] * 1e6) / 1e6, Math.round(p[1] * 1e6) / 1e6];
}

interface IndexedWard extends Ward {
  bbox: [number, number, number, number];
}

/** The 34 ward boundaries, for point-in-polygon tests and for drawing points inside a ward. */
export class WardMap {
  readonly wards: IndexedWard[];
  private readonly byName: Map<string, IndexedWard>;

  constructor(wards: Ward[] = loadWards()) {
    this.wards = wards.map((w) => {
      let minX = Infinity;
      let minY = Infinity;
      let maxX = -Infinity;
      let maxY = -Infinity;
      for (const polygon of w.boundary.coordinates)
        for (const ring of polygon)
          for (const [x, y] of ring) {
            minX = Math.min(minX, x);
            minY = Math.min(minY, y);
            maxX = Math.max(maxX, x);
            maxY = Math.max(maxY, y);
          }
      return { ...w, bbox: [minX, minY, maxX, maxY] };
    });
    this.byName = new Map(this.wards.map((w) => [w.name, w]));
  }

  ward(name: string): IndexedWard {
    const ward = this.byName.get(name);
    if (!ward) throw new Error(`No ward called ${name}`);
    return ward;
  }

  contains(wardName: string, point: LonLat): boolean {
    const ward = this.ward(wardName);
    const [minX, minY, maxX, maxY] = ward.bbox;
    if (point[0] < minX || point[0] > maxX || point[1] < minY || point[1] > maxY) return false;
    return booleanPointInPolygon(point, ward.boundary);
  }

  /** The ward a point falls in, if any of the two boroughs'. */
  wardAt(point: LonLat): IndexedWard | undefined {
    return this.wards.find((w) => this.contains(w.name, point));
  }

  /** A uniformly random point inside the ward (rejection sampling in its bounding box). */
  randomPointIn(wardName: string, rng: Rng): LonLat {
    const [minX, minY, maxX, maxY] = this.ward(wardName).bbox;
    for (let i = 0; i < 10_000; i++) {
      const p: LonLat = [rng.range(minX, maxX), rng.range(minY, maxY)];
      if (this.contains(wardName, p)) return round6(p);
    }
    throw new Error(`Could not place a point in ${wardName}`);
  }

  /**
   * A point about `sigma` metres (normal scatter) from `centre` that lies inside the ward;
   * the scatter widens on each miss, and falls back to anywhere in the ward.
   */
  pointNear(wardName: string, centre: LonLat, sigma: number, rng: Rng): LonLat {
    for (let i = 0; i < 200; i++) {
      const s = sigma * (1 + i / 20);
      const p = offsetMetres(centre, rng.normal(0, s), rng.normal(0, s));
      if (this.contains(wardName, p)) return round6(p);
    }
    return this.randomPointIn(wardName, rng);
  }
}
