import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

const fullDateTimeCheck = DateTimeResolver.parseValue.bind(DateTimeResolver);

/** Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's days_from_civil): arithmetic only. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** Where toISOString writes digits in `YYYY-MM-DDTHH:mm:ss.sssZ`, and what stands between them. */
const DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];
const SEPARATORS: [number, number][] = [
  [4, 45], // -
  [7, 45], // -
  [10, 84], // T
  [13, 58], // :
  [16, 58], // :
  [19, 46], // .
  [23, 90], // Z
];

/**
 * The instant of a string exactly as toISOString writes it (years 0000 to 9999), or null
 * for anything else. Read character by character: every field in its range (the day
 * within its month, no hour 24, no second 60), so the string is what toISOString writes
 * for the instant returned. Date.parse and a toISOString to compare took five times as
 * long (2 µs a fix), a twentieth of a batch's server thread (tests/bench, ingest).
 */
function canonicalInstant(value: string): Date | null {
  if (value.length !== 24) return null;
  for (const [at, code] of SEPARATORS) if (value.charCodeAt(at) !== code) return null;
  for (const at of DIGITS) {
    const code = value.charCodeAt(at);
    if (code < 48 || code > 57) return null;
  }
  const n = (at: number, width: number) => {
    let v = 0;
    for (let k = at; k < at + width; k++) v = v * 10 + value.charCodeAt(k) - 48;
    return v;
  };
  const year = n(0, 4);
  const month = n(5, 2);
  const day = n(8, 2);
  const hour = n(11, 2);
  const minute = n(14, 2);
  const second = n(17, 2);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]!)) return null;
  return new Date((((daysFromCivil(year, month, day) * 24 + hour) * 60 + minute) * 60 + second) * 1000 + n(20, 3));
}

/**
 * ISO 8601 date-times (RFC 3339), e.g. 2026-11-21T18:30:00Z: graphql-scalars' DateTime,
 * with one shortcut. A device's batch holds 500 to 1,000 times, nearly always as
 * toISOString writes them (2026-11-21T18:30:00.000Z), and the full RFC 3339 check was a
 * fifth of coercing a batch (tests/bench, ingest). A string that is exactly what
 * toISOString writes for some instant is a valid RFC 3339 date-time with that meaning
 * (four-digit year, real calendar day, Z), so it is taken as it is; anything else, a
 * mistake included, gets the full check and its error.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  parseValue(value: unknown): Date {
    return (typeof value === 'string' && canonicalInstant(value)) || fullDateTimeCheck(value);
  },
});

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon']);

function literalToValue(node: ValueNode): unknown {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(literalToValue);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((f) => [f.name.value, literalToValue(f.value)]));
    default:
      throw new GraphQLError('GeoJSON cannot hold a variable inside a literal', { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

/**
 * The shape check only: a GeoJSON geometry object with a known `type` and `coordinates`.
 * Coordinate ranges, ring closure and self-intersection are checked where the geometry is
 * used (PostGIS's ST_IsValid), so the error can name the field it came from.
 */
function parseGeometry(value: unknown): unknown {
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new GraphQLError('GeoJSON: not valid JSON', { extensions: { code: 'BAD_USER_INPUT' } });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new GraphQLError('GeoJSON: expected a geometry object such as {"type":"Point","coordinates":[lon,lat]}', {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  const { type, coordinates } = value as { type?: unknown; coordinates?: unknown };
  if (typeof type !== 'string' || !GEOMETRY_TYPES.has(type)) {
    throw new GraphQLError(`GeoJSON: "type" must be one of ${[...GEOMETRY_TYPES].join(', ')}`, {
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  if (!Array.isArray(coordinates)) {
    throw new GraphQLError('GeoJSON: "coordinates" must be an array', { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return value;
}

/** RFC 7946 geometry objects in WGS84 longitude/latitude, as PostGraphile's PostGIS plugin exposes them. */
export const GeoJSONScalar = new GraphQLScalarType({
  name: 'GeoJSON',
  description: 'An RFC 7946 GeoJSON geometry object in WGS84 (longitude, latitude), e.g. {"type":"Point","coordinates":[-0.1658,51.5563]}.',
  serialize: (value) => value,
  parseValue: parseGeometry,
  parseLiteral: (node) => parseGeometry(literalToValue(node)),
});
