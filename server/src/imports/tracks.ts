import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { XMLParser } from 'fast-xml-parser';
import { query, sql } from '../db/sql.js';
import { type Fix, storePositions, type VisitRules } from '../patrols/positions.service.js';
import { ImportError } from './police-uk.js';
import { noProgress, type Progress } from './progress.js';
import { type ImportSummary, Skips } from './summary.js';

/** Fixes per storePositions call: one set-based insert, and one visit recomputation, per batch. */
export const TRACK_BATCH = 10_000;

export interface TrackImportOptions {
  rules: VisitRules;
  progress?: Progress;
}

/** A fix read from a file, with its number in the file (for the skip report). */
interface NumberedFix extends Fix {
  item: number;
}

export const TRACK_SKIP = {
  duplicate: 'already imported',
  noTime: 'no time',
  badTime: 'bad time',
  badCoordinates: 'bad coordinates',
  notAPosition: 'not a point or line',
} as const;

/**
 * A point's optional number (speed, course), or null when it is missing or not one. The
 * columns are `real`: a value beyond float4's range (a GPX writer's 1e39) is read as
 * missing, rather than failing the whole import when the batch is stored.
 */
function number(value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null;
  const n = Number(typeof value === 'object' && value !== null && '#text' in value ? (value as { '#text': unknown })['#text'] : value);
  return Number.isFinite(n) && Number.isFinite(Math.fround(n)) ? n : null;
}

function validPoint(longitude: number | null, latitude: number | null): boolean {
  return longitude !== null && latitude !== null && Math.abs(longitude) <= 180 && Math.abs(latitude) <= 90;
}

function parseTime(value: unknown): Date | null | 'bad' {
  if (value === undefined || value === null || value === '') return null;
  const date = typeof value === 'number' ? new Date(value) : new Date(String(value));
  return Number.isFinite(date.getTime()) ? date : 'bad';
}

/**
 * Reads the track points of a GPX file (every <trkpt> of every <trkseg> of every <trk>, in
 * document order). Speed and course come from GPX 1.0 tags or from Garmin-style
 * extensions when present; GPX has no accuracy in metres (only dilution of precision),
 * so accuracy stays empty.
 */
export function readGpx(text: string, skips: Skips): { fixes: NumberedFix[]; read: number } {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    removeNSPrefix: true,
    parseTagValue: false,
    isArray: (name) => name === 'trk' || name === 'trkseg' || name === 'trkpt',
  });
  let doc: { gpx?: { trk?: { trkseg?: { trkpt?: Record<string, unknown>[] }[] }[] } };
  try {
    doc = parser.parse(text, true);
  } catch (error) {
    throw new ImportError(`Not a readable GPX file: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!doc.gpx) throw new ImportError('Not a GPX file: no <gpx> element');
  const fixes: NumberedFix[] = [];
  let item = 0;
  for (const trk of doc.gpx.trk ?? [])
    for (const seg of trk.trkseg ?? [])
      for (const pt of seg.trkpt ?? []) {
        item++;
        const longitude = number(pt['@_lon']);
        const latitude = number(pt['@_lat']);
        if (!validPoint(longitude, latitude)) {
          skips.add(TRACK_SKIP.badCoordinates, item);
          continue;
        }
        const time = parseTime(pt.time);
        if (time === null || time === 'bad') {
          skips.add(time === null ? TRACK_SKIP.noTime : TRACK_SKIP.badTime, item);
          continue;
        }
        const ext = (pt.extensions ?? {}) as Record<string, unknown>;
        const tpx = (ext.TrackPointExtension ?? {}) as Record<string, unknown>;
        fixes.push({
          item,
          recordedAt: time,
          longitude: longitude as number,
          latitude: latitude as number,
          accuracy: null,
          speed: number(pt.speed) ?? number(ext.speed) ?? number(tpx.speed),
          heading: number(pt.course) ?? number(ext.course) ?? number(tpx.course) ?? number(tpx.bearing),
        });
      }
  return { fixes, read: item };
}

interface PositionFeature {
  type?: string;
  geometry?: { type?: string; coordinates?: unknown } | null;
  properties?: Record<string, unknown> | null;
}

/**
 * Reads positions from GeoJSON: a FeatureCollection of Points each with a time
 * (`recordedAt`, `time` or `timestamp`: ISO 8601 or epoch milliseconds) and optional
 * `accuracy`, `speed`, `heading`; or LineStrings with one time per vertex in
 * `coordTimes` or `times` (as GPX-to-GeoJSON converters write them).
 */
export function readPositionsGeoJson(text: string, skips: Skips): { fixes: NumberedFix[]; read: number } {
  let doc: { type?: string; features?: PositionFeature[] };
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new ImportError(`Not readable JSON: ${(error as Error).message}`);
  }
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) throw new ImportError('Not a GeoJSON FeatureCollection');
  const fixes: NumberedFix[] = [];
  let item = 0;
  for (const feature of doc.features) {
    const props = feature.properties ?? {};
    const geometry = feature.geometry;
    if (geometry?.type === 'Point') {
      item++;
      const [lon, lat] = Array.isArray(geometry.coordinates) ? (geometry.coordinates as unknown[]) : [];
      const longitude = number(lon);
      const latitude = number(lat);
      if (!validPoint(longitude, latitude)) {
        skips.add(TRACK_SKIP.badCoordinates, item);
        continue;
      }
      const time = parseTime(props.recordedAt ?? props.time ?? props.timestamp);
      if (time === null || time === 'bad') {
        skips.add(time === null ? TRACK_SKIP.noTime : TRACK_SKIP.badTime, item);
        continue;
      }
      fixes.push({
        item,
        recordedAt: time,
        longitude: longitude as number,
        latitude: latitude as number,
        accuracy: number(props.accuracy),
        speed: number(props.speed),
        heading: number(props.heading ?? props.course ?? props.bearing),
      });
    } else if (geometry?.type === 'LineString' || geometry?.type === 'MultiLineString') {
      const lines = (geometry.type === 'LineString' ? [geometry.coordinates] : geometry.coordinates) as unknown[][];
      const times = (props.coordTimes ?? props.times) as unknown;
      const flatTimes = Array.isArray(times) ? (Array.isArray(times[0]) ? (times as unknown[][]).flat() : times) : [];
      let k = 0;
      for (const line of Array.isArray(lines) ? lines : []) {
        for (const vertex of Array.isArray(line) ? line : []) {
          item++;
          const [lon, lat] = Array.isArray(vertex) ? vertex : [];
          const time = parseTime(flatTimes[k++]);
          const longitude = number(lon);
          const latitude = number(lat);
          if (!validPoint(longitude, latitude)) skips.add(TRACK_SKIP.badCoordinates, item);
          else if (time === null || time === 'bad') skips.add(time === null ? TRACK_SKIP.noTime : TRACK_SKIP.badTime, item);
          else fixes.push({ item, recordedAt: time, longitude: longitude as number, latitude: latitude as number });
        }
      }
    } else {
      item++;
      skips.add(TRACK_SKIP.notAPosition, item);
    }
  }
  return { fixes, read: item };
}

async function unitId(em: EntityManager, callSign: string): Promise<string> {
  const [unit] = await query<{ id: string }>(em, sql`select id from patrol_units where call_sign = ${callSign}`);
  if (unit) return unit.id;
  const known = await query<{ call_sign: string }>(em, sql`select call_sign from patrol_units order by call_sign limit 20`);
  throw new ImportError(
    `No patrol unit with call sign "${callSign}"${known.length > 0 ? ` (known: ${known.map((k) => k.call_sign).join(', ')})` : ' (there are no units yet)'}`,
  );
}

/**
 * Stores a unit's fixes through storePositions — the devices' ingest path, so visits are
 * derived exactly as for live pings — in time order (a stable sort keeps file order
 * among equal times), TRACK_BATCH per call.
 */
async function storeTrack(
  em: EntityManager,
  callSign: string,
  file: string,
  read: (text: string, skips: Skips) => { fixes: NumberedFix[]; read: number },
  options: TrackImportOptions,
): Promise<ImportSummary> {
  const started = Date.now();
  const id = await unitId(em, callSign);
  const skips = new Skips();
  const { fixes, read: count } = read(readFileSync(file, 'utf8'), skips);
  fixes.sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime());
  const progress = options.progress ?? noProgress;
  progress.start(fixes.length, 'points');
  let imported = 0;
  try {
    for (let start = 0; start < fixes.length; start += TRACK_BATCH) {
      const batch = fixes.slice(start, start + TRACK_BATCH);
      const result = await storePositions(em, id, batch, options.rules);
      imported += result.stored;
      skips.add(TRACK_SKIP.duplicate, undefined, result.duplicates);
      progress.update(start + batch.length);
    }
  } finally {
    progress.stop();
  }
  return { file: basename(file), read: count, imported, skipped: skips.list(), seconds: (Date.now() - started) / 1000 };
}

export function importGpx(em: EntityManager, callSign: string, file: string, options: TrackImportOptions): Promise<ImportSummary> {
  return storeTrack(em, callSign, file, readGpx, options);
}

export function importPositionsGeoJson(
  em: EntityManager,
  callSign: string,
  file: string,
  options: TrackImportOptions,
): Promise<ImportSummary> {
  return storeTrack(em, callSign, file, readPositionsGeoJson, options);
}
