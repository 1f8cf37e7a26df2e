import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { parse } from 'csv-parse';
import { categoryFromLabel, isCategory } from '../incidents/categories.js';
import { Darkness, TimePrecision } from '../incidents/incident.entity.js';
import { type BBox, importArea, inBBox } from './area.js';
import { INCIDENT_CHUNK, type IncidentRow, insertIncidents } from './incident-writer.js';
import { noProgress, type Progress } from './progress.js';
import { type ImportSummary, Skips } from './summary.js';

/** The street-level crime file's columns (brief), matched by name, in any order. */
const COLUMNS = {
  crimeId: 'crime id',
  month: 'month',
  reportedBy: 'reported by',
  fallsWithin: 'falls within',
  longitude: 'longitude',
  latitude: 'latitude',
  location: 'location',
  lsoaCode: 'lsoa code',
  lsoaName: 'lsoa name',
  crimeType: 'crime type',
  outcome: 'last outcome category',
  context: 'context',
} as const;
const REQUIRED: (keyof typeof COLUMNS)[] = ['month', 'longitude', 'latitude', 'crimeType'];

/** Labels police.uk used before 2013 for a category that still exists under another label. */
const LEGACY_LABELS: Record<string, string> = { 'violent crime': 'violent-crime' };

export const SKIP = {
  duplicate: 'already imported',
  noCoordinates: 'no coordinates',
  badCoordinates: 'bad coordinates',
  outside: 'outside the area',
  category: 'unknown category',
  month: 'missing or bad month',
  unreadable: 'unreadable CSV row',
} as const;

export interface PoliceUkOptions {
  progress?: Progress;
  /** Accept points in this box; default: the patrol zones' extent with a 1 km margin. */
  area?: BBox;
}

export class ImportError extends Error {}

/**
 * Imports a police.uk street-level crime CSV.
 *
 * - `Crime type` labels become police.uk slugs ("Vehicle crime" → vehicle-crime).
 * - `Month` is all police.uk gives: occurredAt is the first instant of the month (UTC),
 *   precision MONTH, darkness UNKNOWN (brief: month-only records are never dark or light).
 * - Rows without coordinates, with unreadable ones, outside the area, with an unknown
 *   category or without a month are skipped and reported by line number.
 * - source_ref is the Crime ID, or — for rows without one, such as anti-social behaviour —
 *   a hash of the row plus its occurrence number among identical rows of the file, so
 *   re-importing the file adds nothing twice while genuinely repeated rows all count.
 * - Rows are stored set-based, INCIDENT_CHUNK per statement.
 */
export async function importPoliceUkCsv(em: EntityManager, file: string, options: PoliceUkOptions = {}): Promise<ImportSummary> {
  const started = Date.now();
  const progress = options.progress ?? noProgress;
  const area = options.area ?? (await importArea(em));
  const skips = new Skips();
  const seenHashes = new Map<string, number>();
  let read = 0;
  let imported = 0;
  let pending: IncidentRow[] = [];
  let bytes = 0;

  // One chunk is stored while the next is parsed: the database and the parser overlap.
  let storing: Promise<void> = Promise.resolve();
  const flush = async () => {
    await storing;
    if (pending.length === 0) return;
    const chunk = pending;
    const parsedBytes = bytes;
    pending = [];
    storing = insertIncidents(em, chunk).then((added) => {
      skips.add(SKIP.duplicate, undefined, chunk.length - added);
      imported += added;
      progress.update(parsedBytes);
    });
    // A failure surfaces where `storing` is next awaited; this only keeps it from counting as unhandled meanwhile.
    storing.catch(() => {});
  };

  const input = createReadStream(file);
  input.on('data', (chunk) => {
    bytes += chunk.length;
  });
  const parser = input.pipe(
    parse({
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      skip_records_with_error: true,
      trim: true,
    }),
  );
  // pipe() does not pass a read error on: end the parse with it.
  input.on('error', (error) => parser.destroy(error));
  parser.on('skip', (error: { lines?: number }) => {
    read++;
    skips.add(SKIP.unreadable, error.lines);
  });

  progress.start(statSync(file).size, 'bytes');
  let index: Record<keyof typeof COLUMNS, number> | undefined;
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      if (!index) {
        index = headerIndex(record);
        continue;
      }
      read++;
      const line = info.lines;
      const field = (name: keyof typeof COLUMNS) => (index![name] >= 0 ? (record[index![name]] ?? '') : '');

      const month = field('month');
      const monthMatch = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(month);
      if (!monthMatch) {
        skips.add(SKIP.month, line);
        continue;
      }
      const label = field('crimeType');
      const category = categoryFromLabel(label) ?? LEGACY_LABELS[label.toLowerCase()] ?? (isCategory(label) ? label : undefined);
      if (!category) {
        skips.add(SKIP.category, line);
        continue;
      }
      const lonText = field('longitude');
      const latText = field('latitude');
      if (lonText === '' && latText === '') {
        skips.add(SKIP.noCoordinates, line);
        continue;
      }
      const longitude = Number(lonText);
      const latitude = Number(latText);
      if (
        lonText === '' ||
        latText === '' ||
        !Number.isFinite(longitude) ||
        !Number.isFinite(latitude) ||
        Math.abs(longitude) > 180 ||
        Math.abs(latitude) > 90
      ) {
        skips.add(SKIP.badCoordinates, line);
        continue;
      }
      if (!inBBox(area, longitude, latitude)) {
        skips.add(SKIP.outside, line);
        continue;
      }

      const crimeId = field('crimeId');
      let sourceRef = crimeId;
      if (sourceRef === '') {
        const hash = createHash('sha256').update(record.join('\u241f')).digest('hex').slice(0, 32);
        const occurrence = (seenHashes.get(hash) ?? 0) + 1;
        seenHashes.set(hash, occurrence);
        sourceRef = `police.uk:row:${hash}:${occurrence}`;
      }
      const context = field('context');
      const outcome = field('outcome');
      const description = [context, outcome ? `Last outcome: ${outcome}` : ''].filter(Boolean).join('. ') || null;
      pending.push({
        sourceRef,
        category,
        hateCrimeFlags: [],
        occurredAt: new Date(Date.UTC(Number(monthMatch[1]), Number(monthMatch[2]) - 1, 1)),
        precision: TimePrecision.MONTH,
        darkness: Darkness.UNKNOWN,
        longitude,
        latitude,
        description,
        source: 'police.uk',
        locationName: field('location') || null,
      });
      if (pending.length >= INCIDENT_CHUNK) await flush();
    }
    await flush();
    await storing;
  } finally {
    progress.update(bytes);
    progress.stop();
  }
  if (!index) throw new ImportError(`${basename(file)} is empty: expected a police.uk CSV with a header row`);
  return { file: basename(file), read, imported, skipped: skips.list(), seconds: (Date.now() - started) / 1000 };
}

function headerIndex(header: string[]): Record<keyof typeof COLUMNS, number> {
  const names = header.map((h) => h.trim().toLowerCase());
  const index = Object.fromEntries(Object.entries(COLUMNS).map(([key, name]) => [key, names.indexOf(name)])) as Record<
    keyof typeof COLUMNS,
    number
  >;
  const missing = REQUIRED.filter((k) => index[k] < 0).map((k) => COLUMNS[k]);
  if (missing.length > 0) {
    throw new ImportError(
      `Not a police.uk street-level crime CSV: no ${missing.map((m) => `"${m}"`).join(', ')} column (header: ${header.join(', ').slice(0, 200)})`,
    );
  }
  return index;
}
