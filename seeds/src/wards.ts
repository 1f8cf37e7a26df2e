import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Ward {
  name: string;
  gssCode: string;
  borough: 'Camden' | 'Islington';
  hectares: number;
  boundary: { type: 'MultiPolygon'; coordinates: [number, number][][][] };
}

interface WardFeature {
  properties: { name: string; gss_code: string; borough: Ward['borough']; hectares: number };
  geometry: Ward['boundary'];
}

/** The real 2014 ward boundaries of Camden and Islington (see data/README.md). */
export function loadWards(): Ward[] {
  const file = fileURLToPath(new URL('../data/camden-islington-wards-2014.geojson', import.meta.url));
  const collection = JSON.parse(readFileSync(file, 'utf8')) as { features: WardFeature[] };
  return collection.features.map((f) => ({
    name: f.properties.name,
    gssCode: f.properties.gss_code,
    borough: f.properties.borough,
    hectares: f.properties.hectares,
    boundary: f.geometry,
  }));
}
