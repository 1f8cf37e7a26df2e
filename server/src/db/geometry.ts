import { type Platform, Type } from '@mikro-orm/core';

/** RFC 7946 geometry objects, as they travel through GraphQL and into PostGIS. */
export interface Point {
  type: 'Point';
  coordinates: [number, number];
}
export interface Polygon {
  type: 'Polygon';
  coordinates: [number, number][][];
}
export interface MultiPolygon {
  type: 'MultiPolygon';
  coordinates: [number, number][][][];
}
export interface LineString {
  type: 'LineString';
  coordinates: [number, number][];
}
export type Geometry = Point | Polygon | MultiPolygon | LineString;

/** WGS84 longitude/latitude: what GeoJSON, GPS devices and Leaflet speak. */
export const WGS84 = 4326;

/**
 * A PostGIS geometry column seen from JavaScript as GeoJSON.
 *
 * The conversion happens inside SQL (ST_GeomFromGeoJSON on the way in, ST_AsGeoJSON on
 * the way out) so PostGIS, not JavaScript, parses and validates geometry, and the same
 * path serves inserts, updates, the query builder and populate.
 */
abstract class GeometryType<G extends Geometry> extends Type<G | null, string | null> {
  protected abstract readonly kind: G['type'];
  protected readonly srid: number = WGS84;

  override convertToDatabaseValue(value: G | string | null): string | null {
    if (value === null || value === undefined) return null;
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  override convertToJSValue(value: G | string | null): G | null {
    if (value === null || value === undefined) return null;
    return typeof value === 'string' ? (JSON.parse(value) as G) : value;
  }

  override convertToDatabaseValueSQL(key: string, _platform: Platform): string {
    return `ST_SetSRID(ST_GeomFromGeoJSON(${key}), ${this.srid})`;
  }

  override convertToJSValueSQL(key: string, _platform: Platform): string {
    // 15 decimal places (PostGIS's maximum): coordinates written with up to 15 decimals —
    // any GPS fix or survey data — read back exactly; the default of 9 would round.
    return `ST_AsGeoJSON(${key}, 15)`;
  }

  override compareAsType(): string {
    return 'string';
  }

  override getColumnType(): string {
    return `geometry(${this.kind},${this.srid})`;
  }
}

export class PointType extends GeometryType<Point> {
  protected readonly kind = 'Point' as const;
}

export class LineStringType extends GeometryType<LineString> {
  protected readonly kind = 'LineString' as const;
}

/**
 * Zones are stored as MultiPolygon (wards come as MultiPolygon); a Polygon written to
 * the column is promoted with ST_Multi, so either kind is accepted.
 */
export class MultiPolygonType extends GeometryType<MultiPolygon> {
  protected readonly kind = 'MultiPolygon' as const;

  override convertToDatabaseValueSQL(key: string, platform: Platform): string {
    return `ST_Multi(${super.convertToDatabaseValueSQL(key, platform)})`;
  }
}
