import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { MultiPolygon, Point } from '../db/geometry.js';
import { metric, query, sql } from '../db/sql.js';
import { checkPoint, checkPolygonal } from '../shared/geometry-validation.js';
import { RiskLevel, SiteKind } from '../sites/site.entity.js';
import { type BBox, importArea, inBBox } from './area.js';
import { ImportError } from './police-uk.js';
import { noProgress, type Progress } from './progress.js';
import { type ImportSummary, Skips } from './summary.js';

/**
 * GeoJSON FeatureCollections of sites and of patrol zones, in and out. The export writes
 * exactly what the import reads (feature id = Vigil's id, camelCase properties), so a
 * planner can export, edit in QGIS and import again: features with a known id update that
 * record, features without one are added.
 */

interface Feature {
  type?: string;
  id?: unknown;
  geometry?: unknown;
  properties?: Record<string, unknown> | null;
}

export interface FeatureCollection {
  type: 'FeatureCollection';
  features: { type: 'Feature'; id: string; geometry: Point | MultiPolygon; properties: Record<string, unknown> }[];
}

export const PLACE_SKIP = {
  notAFeature: 'not a feature',
  geometry: 'bad geometry',
  name: 'no name',
  kind: 'unknown site kind',
  risk: 'unknown risk level',
  visits: 'bad visits per day',
  date: 'bad date',
  outside: 'outside the area',
  exists: 'already on the list (same name within 25 m)',
  zoneExists: 'a zone of that name exists (give the feature its id to replace it)',
  id: 'bad id',
} as const;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readCollection(file: string): Feature[] {
  let doc: { type?: string; features?: unknown };
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ImportError(`${basename(file)} is not readable JSON: ${(error as Error).message}`);
  }
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features))
    throw new ImportError(`${basename(file)} is not a GeoJSON FeatureCollection`);
  return doc.features as Feature[];
}

/** First of several spellings of a property (camelCase as exported, snake_case and capitals as GIS tools write them). */
function prop(props: Record<string, unknown>, ...names: string[]): unknown {
  for (const name of names) {
    for (const key of [name, name.toLowerCase(), name.toUpperCase(), name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)]) {
      if (props[key] !== undefined && props[key] !== null && props[key] !== '') return props[key];
    }
  }
  return undefined;
}

function text(value: unknown): string | null {
  return value === undefined || value === null ? null : String(value).trim() || null;
}

function featureId(feature: Feature, skips: Skips, item: number): string | null | false {
  const id = feature.id ?? feature.properties?.id;
  if (id === undefined || id === null || id === '') return null;
  if (typeof id !== 'string' || !UUID.test(id)) {
    skips.add(PLACE_SKIP.id, item);
    return false;
  }
  return id.toLowerCase();
}

/** "community centre", "Community-Centre", "COMMUNITY_CENTRE" → COMMUNITY_CENTRE. */
function enumValue<T extends string>(values: readonly T[], raw: unknown): T | undefined {
  if (raw === undefined) return undefined;
  const key = String(raw)
    .trim()
    .toUpperCase()
    .replace(/[\s-]+/g, '_');
  return values.find((v) => v === key);
}

/** Brief: high-risk sites need two visits a day; critical three; the rest one. */
const DEFAULT_VISITS: Record<RiskLevel, number> = { LOW: 1, MEDIUM: 1, HIGH: 2, CRITICAL: 3 };

function date(value: unknown): Date | null | false {
  if (value === undefined) return null;
  const d = new Date(String(value));
  return Number.isFinite(d.getTime()) ? d : false;
}

/** The reason a validation error gives, without coordinates, so equal problems group together. */
function reasonOf(prefix: string, error: unknown): string {
  const message = (error as Error).message.replace(/^[^:]*: /, '').replace(/\[[^\]]*\]/g, '');
  return `${prefix}: ${message}`;
}

export interface PlaceImportOptions {
  progress?: Progress;
  area?: BBox;
}

/** Imports sites (Points with name, kind, riskLevel, requiredVisitsPerDay, community, requestedBy, activeFrom, activeTo). */
export async function importSitesGeoJson(em: EntityManager, file: string, options: PlaceImportOptions = {}): Promise<ImportSummary> {
  const started = Date.now();
  const features = readCollection(file);
  const area = options.area ?? (await importArea(em));
  const skips = new Skips();
  const rows: Record<string, unknown>[] = [];
  const items = new Map<string, number>();
  const progress = options.progress ?? noProgress;
  progress.start(features.length, 'features');
  for (const [i, feature] of features.entries()) {
    const item = i + 1;
    if (feature?.type !== 'Feature') {
      skips.add(PLACE_SKIP.notAFeature, item);
      continue;
    }
    const id = featureId(feature, skips, item);
    if (id === false) continue;
    const props = feature.properties ?? {};
    let location: Point;
    try {
      location = checkPoint('geometry', feature.geometry);
    } catch (error) {
      skips.add(reasonOf(PLACE_SKIP.geometry, error), item);
      continue;
    }
    if (!inBBox(area, location.coordinates[0], location.coordinates[1])) {
      skips.add(PLACE_SKIP.outside, item);
      continue;
    }
    const name = text(prop(props, 'name'));
    if (!name) {
      skips.add(PLACE_SKIP.name, item);
      continue;
    }
    const kind = enumValue(Object.values(SiteKind), prop(props, 'kind', 'type'));
    if (!kind) {
      skips.add(PLACE_SKIP.kind, item);
      continue;
    }
    const rawRisk = prop(props, 'riskLevel', 'risk');
    const riskLevel = rawRisk === undefined ? RiskLevel.MEDIUM : enumValue(Object.values(RiskLevel), rawRisk);
    if (!riskLevel) {
      skips.add(PLACE_SKIP.risk, item);
      continue;
    }
    const rawVisits = prop(props, 'requiredVisitsPerDay', 'visitsPerDay');
    const visits = rawVisits === undefined ? DEFAULT_VISITS[riskLevel] : Number(rawVisits);
    if (!Number.isInteger(visits) || visits < 0 || visits > 48) {
      skips.add(PLACE_SKIP.visits, item);
      continue;
    }
    const activeFrom = date(prop(props, 'activeFrom'));
    const activeTo = date(prop(props, 'activeTo'));
    if (activeFrom === false || activeTo === false || (activeFrom && activeTo && activeTo <= activeFrom)) {
      skips.add(PLACE_SKIP.date, item);
      continue;
    }
    const rowId = id ?? randomUUID();
    items.set(rowId, item);
    rows.push({
      id: rowId,
      known_id: id !== null,
      name,
      kind,
      lon: location.coordinates[0],
      lat: location.coordinates[1],
      risk_level: riskLevel,
      required_visits_per_day: visits,
      community: text(prop(props, 'community')),
      requested_by: text(prop(props, 'requestedBy')),
      active_from: activeFrom?.toISOString() ?? null,
      active_to: activeTo?.toISOString() ?? null,
    });
  }
  // One statement: features with an id update that site (or create it), features without
  // one are added unless a site of the same name already stands within 25 m.
  const stored = rows.length
    ? await query<{ id: string; inserted: boolean }>(
        em,
        sql`insert into sites (id, name, kind, location, risk_level, required_visits_per_day, community, requested_by, active_from, active_to)
         select r.id, r.name, r.kind::site_kind, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r.risk_level::risk_level,
                r.required_visits_per_day, r.community, r.requested_by, coalesce(r.active_from, now()), r.active_to
         from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, known_id boolean, name text, kind text, lon float8, lat float8,
                                                risk_level text, required_visits_per_day int, community text, requested_by text,
                                                active_from timestamptz, active_to timestamptz)
         where r.known_id or not exists (
           select 1 from sites s
           where s.name = r.name and ST_DWithin(s.location_bng, ${metric(sql`ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326)`)}, 25))
         on conflict (id) do update set
           name = excluded.name, kind = excluded.kind, location = excluded.location, risk_level = excluded.risk_level,
           required_visits_per_day = excluded.required_visits_per_day, community = excluded.community,
           requested_by = excluded.requested_by, active_from = excluded.active_from, active_to = excluded.active_to,
           updated_at = now()
         returning id, (xmax = 0) as inserted`,
      )
    : [];
  const storedIds = new Set(stored.map((s) => s.id));
  for (const [id, item] of items) if (!storedIds.has(id)) skips.add(PLACE_SKIP.exists, item);
  progress.update(features.length);
  progress.stop();
  return {
    file: basename(file),
    read: features.length,
    imported: stored.filter((s) => s.inserted).length,
    updated: stored.filter((s) => !s.inserted).length,
    skipped: skips.list(),
    seconds: (Date.now() - started) / 1000,
  };
}

/** Imports patrol zones (Polygons or MultiPolygons with name, borough, gssCode, targetMinutesPerDay); ward files work as they come. */
export async function importZonesGeoJson(em: EntityManager, file: string, options: PlaceImportOptions = {}): Promise<ImportSummary> {
  const started = Date.now();
  const features = readCollection(file);
  const skips = new Skips();
  const rows: Record<string, unknown>[] = [];
  const items = new Map<string, number>();
  const progress = options.progress ?? noProgress;
  progress.start(features.length, 'features');
  for (const [i, feature] of features.entries()) {
    const item = i + 1;
    progress.update(i);
    if (feature?.type !== 'Feature') {
      skips.add(PLACE_SKIP.notAFeature, item);
      continue;
    }
    const id = featureId(feature, skips, item);
    if (id === false) continue;
    const props = feature.properties ?? {};
    const name = text(prop(props, 'name'));
    if (!name) {
      skips.add(PLACE_SKIP.name, item);
      continue;
    }
    let boundary: unknown;
    try {
      // Same checks as the API: shape and size here, then ST_IsValid in PostGIS.
      boundary = await checkPolygonal(em, 'geometry', feature.geometry);
    } catch (error) {
      skips.add(reasonOf(PLACE_SKIP.geometry, error), item);
      continue;
    }
    const target = prop(props, 'targetMinutesPerDay');
    if (target !== undefined && !(Number.isInteger(Number(target)) && Number(target) >= 0)) {
      skips.add('bad target minutes per day', item);
      continue;
    }
    const rowId = id ?? randomUUID();
    items.set(rowId, item);
    rows.push({
      id: rowId,
      known_id: id !== null,
      name,
      borough: text(prop(props, 'borough')),
      gss_code: text(prop(props, 'gssCode')),
      boundary,
      target: target === undefined ? null : Number(target),
    });
  }
  const stored = rows.length
    ? await query<{ id: string; inserted: boolean }>(
        em,
        sql`insert into patrol_zones (id, name, borough, gss_code, boundary, target_minutes_per_day)
         select r.id, r.name, r.borough, r.gss_code, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(r.boundary), 4326)), r.target
         from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id uuid, known_id boolean, name text, borough text, gss_code text, boundary jsonb, target int)
         where r.known_id or not exists (select 1 from patrol_zones z where z.name = r.name)
         on conflict (id) do update set
           name = excluded.name, borough = excluded.borough, gss_code = excluded.gss_code, boundary = excluded.boundary,
           target_minutes_per_day = excluded.target_minutes_per_day, updated_at = now()
         returning id, (xmax = 0) as inserted`,
      )
    : [];
  const storedIds = new Set(stored.map((s) => s.id));
  for (const [id, item] of items) if (!storedIds.has(id)) skips.add(PLACE_SKIP.zoneExists, item);
  progress.update(features.length);
  progress.stop();
  return {
    file: basename(file),
    read: features.length,
    imported: stored.filter((s) => s.inserted).length,
    updated: stored.filter((s) => !s.inserted).length,
    skipped: skips.list(),
    seconds: (Date.now() - started) / 1000,
  };
}

/** Sites on the list (not archived) as a FeatureCollection, by name. Site locations are sensitive: handle the file accordingly. */
export async function exportSites(em: EntityManager): Promise<FeatureCollection> {
  const rows = await query<{
    id: string;
    geometry: string;
    name: string;
    kind: string;
    risk_level: string;
    required_visits_per_day: number;
    community: string | null;
    requested_by: string | null;
    active_from: Date;
    active_to: Date | null;
  }>(
    em,
    sql`select id, ST_AsGeoJSON(location, 9) as geometry, name, kind, risk_level, required_visits_per_day, community, requested_by, active_from, active_to
     from sites where archived_at is null order by name, id`,
  );
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      id: r.id,
      geometry: JSON.parse(r.geometry) as Point,
      properties: {
        name: r.name,
        kind: r.kind,
        riskLevel: r.risk_level,
        requiredVisitsPerDay: r.required_visits_per_day,
        community: r.community,
        requestedBy: r.requested_by,
        activeFrom: new Date(r.active_from).toISOString(),
        activeTo: r.active_to ? new Date(r.active_to).toISOString() : null,
      },
    })),
  };
}

/** Patrol zones as a FeatureCollection, by name, with the call signs of their units. */
export async function exportZones(em: EntityManager): Promise<FeatureCollection> {
  const rows = await query<{
    id: string;
    geometry: string;
    name: string;
    borough: string | null;
    gss_code: string | null;
    target: number | null;
    units: string[];
  }>(
    em,
    sql`select z.id, ST_AsGeoJSON(z.boundary, 9) as geometry, z.name, z.borough, z.gss_code, z.target_minutes_per_day as target,
            coalesce(array_agg(u.call_sign order by u.call_sign) filter (where u.id is not null), '{}') as units
     from patrol_zones z
     left join patrol_zone_units zu on zu.patrol_zone_id = z.id
     left join patrol_units u on u.id = zu.patrol_unit_id
     group by z.id
     order by z.name, z.id`,
  );
  return {
    type: 'FeatureCollection',
    features: rows.map((r) => ({
      type: 'Feature',
      id: r.id,
      geometry: JSON.parse(r.geometry) as MultiPolygon,
      properties: { name: r.name, borough: r.borough, gssCode: r.gss_code, targetMinutesPerDay: r.target, unitCallSigns: r.units },
    })),
  };
}
