/** Greater London, roughly: the extent the synthetic incidents and units are spread over. */
export const LONDON = { west: -0.51, south: 51.28, east: 0.33, north: 51.69 } as const;

/** Metres per degree near London (51.5° N): close enough for placing synthetic points. */
export const M_PER_DEG_LAT = 111_250;
export const M_PER_DEG_LON = 111_320 * Math.cos((51.5 * Math.PI) / 180);

/** Approximate centres of the 32 London boroughs and the City: incidents are densest around them. */
export const BOROUGHS: { name: string; lon: number; lat: number }[] = [
  { name: 'City of London', lon: -0.0918, lat: 51.5155 },
  { name: 'Westminster', lon: -0.1372, lat: 51.4975 },
  { name: 'Camden', lon: -0.1426, lat: 51.5517 },
  { name: 'Islington', lon: -0.1099, lat: 51.5465 },
  { name: 'Hackney', lon: -0.0553, lat: 51.545 },
  { name: 'Tower Hamlets', lon: -0.03, lat: 51.515 },
  { name: 'Southwark', lon: -0.078, lat: 51.473 },
  { name: 'Lambeth', lon: -0.117, lat: 51.46 },
  { name: 'Kensington and Chelsea', lon: -0.19, lat: 51.5 },
  { name: 'Hammersmith and Fulham', lon: -0.223, lat: 51.495 },
  { name: 'Wandsworth', lon: -0.191, lat: 51.456 },
  { name: 'Lewisham', lon: -0.02, lat: 51.445 },
  { name: 'Greenwich', lon: 0.05, lat: 51.475 },
  { name: 'Newham', lon: 0.035, lat: 51.525 },
  { name: 'Haringey', lon: -0.1, lat: 51.59 },
  { name: 'Brent', lon: -0.27, lat: 51.56 },
  { name: 'Ealing', lon: -0.31, lat: 51.513 },
  { name: 'Hounslow', lon: -0.37, lat: 51.468 },
  { name: 'Richmond upon Thames', lon: -0.3, lat: 51.44 },
  { name: 'Kingston upon Thames', lon: -0.285, lat: 51.39 },
  { name: 'Merton', lon: -0.19, lat: 51.41 },
  { name: 'Sutton', lon: -0.19, lat: 51.36 },
  { name: 'Croydon', lon: -0.09, lat: 51.37 },
  { name: 'Bromley', lon: 0.05, lat: 51.37 },
  { name: 'Bexley', lon: 0.15, lat: 51.455 },
  { name: 'Havering', lon: 0.23, lat: 51.56 },
  { name: 'Barking and Dagenham', lon: 0.13, lat: 51.545 },
  { name: 'Redbridge', lon: 0.08, lat: 51.575 },
  { name: 'Waltham Forest', lon: -0.01, lat: 51.59 },
  { name: 'Enfield', lon: -0.08, lat: 51.65 },
  { name: 'Barnet', lon: -0.2, lat: 51.625 },
  { name: 'Harrow', lon: -0.335, lat: 51.59 },
  { name: 'Hillingdon', lon: -0.45, lat: 51.535 },
];

/** Deterministic pseudo-random numbers (the tests' own generator): every run builds the same data. */
export { rng } from '../support/incidents.js';

/** A point `east` and `north` metres from [lon, lat]. */
export function offset([lon, lat]: [number, number], east: number, north: number): [number, number] {
  return [lon + east / M_PER_DEG_LON, lat + north / M_PER_DEG_LAT];
}

/** A square `side` metres across centred on [lon, lat], as a GraphQL BBoxInput. */
export function square([lon, lat]: [number, number], side: number) {
  const [west, south] = offset([lon, lat], -side / 2, -side / 2);
  const [east, north] = offset([lon, lat], side / 2, side / 2);
  return { west, south, east, north };
}

/**
 * How a synthetic unit moves: a Lissajous figure around its home,
 * east = a·sin(w1·t + p1), north = b·sin(w2·t + p2) metres (t in epoch seconds), so its
 * position at any time is known both here and in SQL (the day's positions are loaded
 * with the same formula, and ingested fixes continue the same path). Speeds stay under
 * 20 m/s, well inside the server's 70 m/s check.
 */
export interface UnitPath {
  lon: number;
  lat: number;
  a: number;
  b: number;
  w1: number;
  w2: number;
  p1: number;
  p2: number;
}

export function randomPath(random: () => number, home: [number, number], foot: boolean): UnitPath {
  const a = 400 + random() * 1100;
  const b = 400 + random() * 1100;
  // Peak speed along each axis: a·w1 and b·w2 metres a second.
  const speed = foot ? 1.2 + random() * 0.6 : 5 + random() * 7;
  return {
    lon: home[0],
    lat: home[1],
    a,
    b,
    w1: (speed * (0.6 + random() * 0.4)) / a,
    w2: (speed * (0.6 + random() * 0.4)) / b,
    p1: random() * 2 * Math.PI,
    p2: random() * 2 * Math.PI,
  };
}

/** Where a unit on `path` is at `epochSeconds`, rounded to 7 decimals as receivers report. */
export function positionAt(path: UnitPath, epochSeconds: number): [number, number] {
  const east = path.a * Math.sin(path.w1 * epochSeconds + path.p1);
  const north = path.b * Math.sin(path.w2 * epochSeconds + path.p2);
  const [lon, lat] = offset([path.lon, path.lat], east, north);
  return [Math.round(lon * 1e7) / 1e7, Math.round(lat * 1e7) / 1e7];
}

/** The same position in SQL, for a row `u` of paths and a column `t` of epoch seconds. */
export const POSITION_SQL = `ST_SetSRID(ST_MakePoint(
    round((u.lon + u.a * sin(u.w1 * t + u.p1) / ${M_PER_DEG_LON}) * 1e7) / 1e7,
    round((u.lat + u.b * sin(u.w2 * t + u.p2) / ${M_PER_DEG_LAT}) * 1e7) / 1e7), 4326)`;
