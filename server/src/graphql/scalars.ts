import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';

const fullDateTimeCheck = DateTimeResolver.parseValue.bind(DateTimeResolver);

/**
 * ISO 8601 date-times (RFC 3339), e.g. 2026-11-21T18:30:00Z: graphql-scalars' DateTime,
 * with one shortcut. A device's batch holds 500 to 1,000 times, nearly always as
 * toISOString writes them (2026-11-21T18:30:00.000Z), and the full RFC 3339 check was a
 * fifth of coercing a batch (tests/bench, ingest). A string that is exactly what
 * toISOString writes for the instant it parses to is a valid RFC 3339 date-time with that
 * meaning (four-digit year, real calendar day, Z), so it is taken as it is; anything else,
 * a mistake included, gets the full check and its error.
 */
export const DateTimeScalar = new GraphQLScalarType({
  ...DateTimeResolver.toConfig(),
  parseValue(value: unknown): Date {
    if (typeof value === 'string' && value.length === 24) {
      const ms = Date.parse(value);
      if (!Number.isNaN(ms) && new Date(ms).toISOString() === value) return new Date(ms);
    }
    return fullDateTimeCheck(value);
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
