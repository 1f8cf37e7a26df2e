import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import type { EntityManager } from '@mikro-orm/postgresql';
import { XMLParser } from 'fast-xml-parser';
import { createOSMStream } from 'osm-pbf-parser-node';
import { query, sql } from '../db/sql.js';
import { type Access, accessOf, type Tags } from './osm-access.js';
import { ImportError } from './police-uk.js';
import { noProgress, type Progress } from './progress.js';
import { type ImportSummary, Skips } from './summary.js';

/** An OSM way as the import needs it. */
export interface OsmWay {
  id: number;
  refs: number[];
  tags: Tags;
}

export interface OsmExtract {
  nodes: Map<number, [number, number]>;
  ways: OsmWay[];
  /** Ways read but left out already (not streets), when the reader filters as it goes. */
  otherWays: number;
}

/** Tags a street needs; the rest of each way is not kept. */
const WAY_TAGS = [
  'highway',
  'name',
  'oneway',
  'oneway:bicycle',
  'junction',
  'access',
  'vehicle',
  'motor_vehicle',
  'motorcar',
  'bicycle',
  'foot',
  'cycleway',
  'cycleway:left',
  'area',
];

/** Rows per INSERT … SELECT FROM jsonb_to_recordset. */
const CHUNK = 5000;

export const STREET_SKIP = {
  notStreet: 'not a street (no highway tag, or closed to cars, cycles and people on foot)',
  missingNodes: 'refers to nodes the file does not have',
  tooShort: 'fewer than two nodes',
} as const;

/** PBF files start with a BlobHeader whose type is "OSMHeader"; XML with "<". */
function isPbf(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(64);
    const read = readSync(fd, head, 0, 64, 0);
    return head.subarray(0, read).includes(Buffer.from('OSMHeader'));
  } finally {
    closeSync(fd);
  }
}

/** Reads an OSM XML document: nodes with coordinates, ways with their node references and tags. */
export function readOsmXml(text: string): OsmExtract {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => name === 'node' || name === 'way' || name === 'nd' || name === 'tag',
  });
  let doc: { osm?: { node?: Record<string, unknown>[]; way?: Record<string, unknown>[] } };
  try {
    doc = parser.parse(text);
  } catch (error) {
    throw new ImportError(`Not an OpenStreetMap file: ${(error as Error).message}`);
  }
  if (!doc.osm || typeof doc.osm !== 'object') throw new ImportError('Not an OpenStreetMap file: no <osm> element');
  const nodes = new Map<number, [number, number]>();
  for (const n of doc.osm.node ?? []) {
    const [id, lon, lat] = [Number(n.id), Number(n.lon), Number(n.lat)];
    if (Number.isFinite(id) && Number.isFinite(lon) && Number.isFinite(lat)) nodes.set(id, [lon, lat]);
  }
  const ways = (doc.osm.way ?? []).map((w) => ({
    id: Number(w.id),
    refs: ((w.nd as { ref: string }[] | undefined) ?? []).map((nd) => Number(nd.ref)),
    tags: Object.fromEntries(((w.tag as { k: string; v: string }[] | undefined) ?? []).map((t) => [t.k, String(t.v)])),
  }));
  return { nodes, ways, otherWays: 0 };
}

/**
 * Reads an OSM PBF extract in two streamed passes (osm-pbf-parser-node): the streets first,
 * then only the nodes they use, so a city's millions of other nodes never sit in memory.
 */
export async function readOsmPbf(file: string): Promise<OsmExtract> {
  const ways: OsmWay[] = [];
  const wanted = new Set<number>();
  let otherWays = 0;
  try {
    for await (const batch of createOSMStream(file, { withTags: { node: false, way: WAY_TAGS, relation: false } }) as AsyncGenerator<
      unknown,
      void
    >) {
      for (const item of Array.isArray(batch) ? batch : [batch]) {
        const w = item as { type?: string; id: number; refs?: number[]; tags?: Tags };
        if (w.type !== 'way') continue;
        if (!w.tags?.highway || !accessOf(w.tags)) {
          otherWays++;
          continue;
        }
        ways.push({ id: w.id, refs: w.refs ?? [], tags: w.tags });
        for (const ref of w.refs ?? []) wanted.add(ref);
      }
    }
    const nodes = new Map<number, [number, number]>();
    for await (const batch of createOSMStream(file, { withTags: false }) as AsyncGenerator<unknown, void>) {
      for (const item of Array.isArray(batch) ? batch : [batch]) {
        const n = item as { type?: string; id: number; lon: number; lat: number };
        if (n.type === 'node' && wanted.has(n.id)) nodes.set(n.id, [n.lon, n.lat]);
      }
    }
    return { nodes, ways, otherWays };
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(`Not a readable OpenStreetMap PBF file: ${(error as Error).message}`);
  }
}

export interface StreetEdge {
  source: number;
  target: number;
  wayId: number;
  name: string | null;
  highway: string;
  access: Access;
  coordinates: [number, number][];
}

/**
 * The routable graph of an extract: ways cut at junctions (nodes shared by two ways, or
 * used twice by one, and every way's ends), so the graph holds junctions only and each edge
 * keeps the street's shape between them.
 */
export function buildStreetGraph(extract: OsmExtract, skips: Skips): { edges: StreetEdge[]; read: number } {
  const streets: { way: OsmWay; access: Access }[] = [];
  for (const [i, way] of extract.ways.entries()) {
    const access = accessOf(way.tags);
    if (!access) skips.add(STREET_SKIP.notStreet, i + 1);
    else if (way.refs.length < 2) skips.add(STREET_SKIP.tooShort, i + 1);
    else if (way.refs.some((ref) => !extract.nodes.has(ref))) skips.add(STREET_SKIP.missingNodes, i + 1);
    else streets.push({ way, access });
  }
  const uses = new Map<number, number>();
  for (const { way } of streets) {
    way.refs.forEach((ref, k) => {
      const end = k === 0 || k === way.refs.length - 1;
      uses.set(ref, (uses.get(ref) ?? 0) + (end ? 2 : 1));
    });
  }
  const edges: StreetEdge[] = [];
  for (const { way, access } of streets) {
    let from = 0;
    for (let k = 1; k < way.refs.length; k++) {
      if ((uses.get(way.refs[k]!) ?? 0) < 2 && k < way.refs.length - 1) continue;
      const refs = way.refs.slice(from, k + 1);
      if (refs[0] !== refs.at(-1) || refs.length > 2)
        edges.push({
          source: refs[0]!,
          target: refs.at(-1)!,
          wayId: way.id,
          name: way.tags.name ?? null,
          highway: way.tags.highway!,
          access,
          coordinates: refs.map((r) => extract.nodes.get(r)!),
        });
      from = k;
    }
  }
  skips.add(STREET_SKIP.notStreet, undefined, extract.otherWays);
  return { edges, read: extract.ways.length + extract.otherWays };
}

/**
 * `vigil import streets <file>`: an OpenStreetMap extract (PBF or XML) into PostGIS as a
 * routable graph, replacing the network imported before, in one transaction. Lengths are
 * measured by PostGIS on the spheroid (geography).
 */
export async function importStreets(em: EntityManager, file: string, options: { progress?: Progress } = {}): Promise<ImportSummary> {
  const started = Date.now();
  const progress = options.progress ?? noProgress;
  const extract = isPbf(file) ? await readOsmPbf(file) : readOsmXml(readFileSync(file, 'utf8'));
  const skips = new Skips();
  const { edges, read } = buildStreetGraph(extract, skips);
  if (edges.length === 0)
    throw new ImportError(`No streets in ${basename(file)}: no way with a highway tag that cars, cycles or people on foot may use`);

  const flags = new Map<number, { car: boolean; cycle: boolean; foot: boolean }>();
  for (const e of edges) {
    for (const id of [e.source, e.target]) {
      const f = flags.get(id) ?? { car: false, cycle: false, foot: false };
      f.car ||= e.access.carForward || e.access.carBackward;
      f.cycle ||= e.access.cycleForward || e.access.cycleBackward;
      f.foot ||= e.access.foot;
      flags.set(id, f);
    }
  }
  const nodes = [...flags.entries()].map(([id, f]) => {
    const [lon, lat] = extract.nodes.get(id)!;
    return { id, lon, lat, ...f };
  });
  progress.start(nodes.length + edges.length, 'nodes and edges');
  await em.transactional(async (tx) => {
    await query(tx, sql`delete from street_edges`);
    await query(tx, sql`delete from street_nodes`);
    await query(tx, sql`delete from street_networks`);
    for (let i = 0; i < nodes.length; i += CHUNK) {
      await query(
        tx,
        sql`insert into street_nodes (id, location, car, cycle, foot)
         select r.id, ST_SetSRID(ST_MakePoint(r.lon, r.lat), 4326), r.car, r.cycle, r.foot
         from jsonb_to_recordset(${JSON.stringify(nodes.slice(i, i + CHUNK))}::jsonb) as r(id bigint, lon float8, lat float8, car boolean, cycle boolean, foot boolean)`,
      );
      progress.update(Math.min(i + CHUNK, nodes.length));
    }
    for (let i = 0; i < edges.length; i += CHUNK) {
      const rows = edges.slice(i, i + CHUNK).map((e) => ({
        source: e.source,
        target: e.target,
        way_id: e.wayId,
        name: e.name,
        highway: e.highway,
        car_forward: e.access.carForward,
        car_backward: e.access.carBackward,
        cycle_forward: e.access.cycleForward,
        cycle_backward: e.access.cycleBackward,
        foot: e.access.foot,
        geometry: JSON.stringify({ type: 'LineString', coordinates: e.coordinates }),
      }));
      await query(
        tx,
        sql`insert into street_edges (source, target, way_id, name, highway, length_metres, car_forward, car_backward, cycle_forward, cycle_backward, foot, geometry)
         select r.source, r.target, r.way_id, r.name, r.highway, ST_Length(g::geography), r.car_forward, r.car_backward,
                r.cycle_forward, r.cycle_backward, r.foot, g
         from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(source bigint, target bigint, way_id bigint, name text, highway text,
              car_forward boolean, car_backward boolean, cycle_forward boolean, cycle_backward boolean, foot boolean, geometry text),
              lateral (select ST_SetSRID(ST_GeomFromGeoJSON(r.geometry), 4326) as g) shape`,
      );
      progress.update(nodes.length + Math.min(i + CHUNK, edges.length));
    }
    await query(
      tx,
      sql`insert into street_networks (id, source_file, nodes, edges) values (${randomUUID()}, ${basename(file)}, ${nodes.length}, ${edges.length})`,
    );
  });
  progress.stop();
  return { file: basename(file), read, imported: edges.length, skipped: skips.list(), seconds: (Date.now() - started) / 1000 };
}
