import type { Feature, FeatureCollection, MultiPolygon } from 'geojson';
import polylabel from 'polylabel';
import wardsText from '../../../seeds/data/camden-islington-wards-2014.geojson?raw';

/**
 * The ward boundaries of Camden and Islington (ONS, 2014; seeds/data), shipped with the
 * dashboard as its base map: public data, drawn the moment the map opens, before any
 * request. Patrol zones start from these outlines but planners redraw them, so zones are
 * a layer of their own (ZonesOutlineLayer).
 */
export interface Ward {
  name: string;
  borough: string;
  gssCode: string;
  boundary: MultiPolygon;
  /** Where its name goes: the inner point farthest from its edges (polylabel), [lat, lng]. */
  label: [number, number];
}

type WardProperties = { name: string; borough: string; gss_code: string };

/** Degrees are not metres, but at this latitude the error in placing a label does not matter. */
const LABEL_PRECISION = 0.0002;

function labelPoint(boundary: MultiPolygon): [number, number] {
  // The largest part of the ward (by its bounding box) holds the label.
  const largest = [...boundary.coordinates].sort((a, b) => extent(b) - extent(a))[0]!;
  const [lng, lat] = polylabel(largest, LABEL_PRECISION);
  return [lat, lng];
}

function extent(polygon: number[][][]): number {
  const xs = polygon[0]!.map((p) => p[0]!);
  const ys = polygon[0]!.map((p) => p[1]!);
  return (Math.max(...xs) - Math.min(...xs)) * (Math.max(...ys) - Math.min(...ys));
}

let cached: Ward[] | null = null;

export function wards(): readonly Ward[] {
  if (cached) return cached;
  const collection = JSON.parse(wardsText) as FeatureCollection<MultiPolygon, WardProperties>;
  cached = collection.features.map((f: Feature<MultiPolygon, WardProperties>) => ({
    name: f.properties.name,
    borough: f.properties.borough,
    gssCode: f.properties.gss_code,
    boundary: f.geometry,
    label: labelPoint(f.geometry),
  }));
  return cached;
}
