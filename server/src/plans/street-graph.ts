import type { EntityManager } from '@mikro-orm/postgresql';
import createGraph, { type Graph } from 'ngraph.graph';
import { aStar } from 'ngraph.path';
import { metric, query, sql } from '../db/sql.js';
import { MAX_SNAP_METRES, metresPerSecond, type TravelProfile } from './rules.js';
import { type Place, speedDescription, TravelMethod, type TravelModel } from './travel.js';

/**
 * Routing over the street network `vigil import streets` loaded: the junctions and streets
 * are read from PostGIS once per import, held as one directed ngraph graph per way of
 * travelling (cars and cycles keep one-way streets, people on foot do not), and shortest
 * paths come from ngraph.path's A* with the straight-line distance as its heuristic. The
 * same code runs over a real PostgreSQL and the embedded PGlite.
 */

interface EdgeShape {
  coordinates: [number, number][];
  metres: number;
}

interface NodeData {
  x: number;
  y: number;
}

interface LinkData {
  edge: number;
  /** Travelled from the edge's source to its target. */
  forward: boolean;
  metres: number;
}

export interface StreetNetwork {
  id: string;
  sourceFile: string;
  nodeIds: number[];
  /** Metric coordinates and WGS84 positions, by node index. */
  x: Float64Array;
  y: Float64Array;
  positions: [number, number][];
  /** Which ways of travelling reach each node. */
  reach: Record<TravelProfile, Uint8Array>;
  edges: EdgeShape[];
  graphs: Record<TravelProfile, Graph<NodeData, LinkData>>;
}

let cached: StreetNetwork | null = null;

/** The imported network, or null when none is. Loaded once per import (its id names it). */
export async function loadStreetNetwork(em: EntityManager): Promise<StreetNetwork | null> {
  const [network] = await query<{ id: string; source_file: string }>(
    em,
    sql`select id, source_file from street_networks order by imported_at desc limit 1`,
  );
  if (!network) return null;
  if (cached?.id === network.id) return cached;
  const nodes = await query<{ id: string; lon: number; lat: number; x: number; y: number; car: boolean; cycle: boolean; foot: boolean }>(
    em,
    sql`select id, ST_X(location) as lon, ST_Y(location) as lat, ST_X(${metric(sql`location`)}) as x,
            ST_Y(${metric(sql`location`)}) as y, car, cycle, foot
     from street_nodes order by id`,
  );
  const rows = await query<{
    source: string;
    target: string;
    metres: number;
    car_forward: boolean;
    car_backward: boolean;
    cycle_forward: boolean;
    cycle_backward: boolean;
    foot: boolean;
    shape: string;
  }>(
    em,
    sql`select source, target, length_metres as metres, car_forward, car_backward, cycle_forward, cycle_backward, foot,
            ST_AsGeoJSON(geometry, 7) as shape
     from street_edges order by id`,
  );
  const index = new Map(nodes.map((n, i) => [Number(n.id), i]));
  const net: StreetNetwork = {
    id: network.id,
    sourceFile: network.source_file,
    nodeIds: nodes.map((n) => Number(n.id)),
    x: Float64Array.from(nodes.map((n) => n.x)),
    y: Float64Array.from(nodes.map((n) => n.y)),
    positions: nodes.map((n) => [n.lon, n.lat]),
    reach: {
      CAR: Uint8Array.from(nodes.map((n) => (n.car ? 1 : 0))),
      CYCLE: Uint8Array.from(nodes.map((n) => (n.cycle ? 1 : 0))),
      FOOT: Uint8Array.from(nodes.map((n) => (n.foot ? 1 : 0))),
    },
    edges: [],
    graphs: { CAR: createGraph(), CYCLE: createGraph(), FOOT: createGraph() },
  };
  for (const [i, n] of nodes.entries()) for (const g of Object.values(net.graphs)) g.addNode(i, { x: n.x, y: n.y });
  // Keep the shortest edge each way between two junctions, per way of travelling.
  const link = (profile: TravelProfile, a: number, b: number, data: LinkData) => {
    const graph = net.graphs[profile];
    const existing = graph.getLink(a, b);
    if (existing && existing.data.metres <= data.metres) return;
    if (existing) graph.removeLink(existing);
    graph.addLink(a, b, data);
  };
  for (const row of rows) {
    const edge = net.edges.length;
    net.edges.push({ coordinates: (JSON.parse(row.shape) as { coordinates: [number, number][] }).coordinates, metres: row.metres });
    const [a, b] = [index.get(Number(row.source))!, index.get(Number(row.target))!];
    const forward = { edge, forward: true, metres: row.metres };
    const backward = { edge, forward: false, metres: row.metres };
    if (row.car_forward) link('CAR', a, b, forward);
    if (row.car_backward) link('CAR', b, a, backward);
    if (row.cycle_forward) link('CYCLE', a, b, forward);
    if (row.cycle_backward) link('CYCLE', b, a, backward);
    if (row.foot) {
      link('FOOT', a, b, forward);
      link('FOOT', b, a, backward);
    }
  }
  cached = net;
  return net;
}

/** The nearest junction a profile can use, and how far it is; null when the network has none. */
function snap(net: StreetNetwork, profile: TravelProfile, place: Place): { node: number; metres: number } | null {
  let best = -1;
  let bestD = Number.POSITIVE_INFINITY;
  const reach = net.reach[profile];
  for (let i = 0; i < net.x.length; i++) {
    if (!reach[i]) continue;
    const d = (net.x[i]! - place.x) ** 2 + (net.y[i]! - place.y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best < 0 ? null : { node: best, metres: Math.sqrt(bestD) };
}

/**
 * Street travel between `places` for each profile, or the reason it cannot be used (a place
 * further than MAX_SNAP_METRES from any street the unit may use). A leg is the walk or drive
 * from the place to its nearest junction, the shortest path, and on to the other place.
 */
export function streetTravel(
  net: StreetNetwork,
  places: readonly Place[],
  profiles: readonly TravelProfile[],
): TravelModel | { unusable: string } {
  const snapped = new Map<TravelProfile, { node: number; metres: number }[]>();
  for (const profile of profiles) {
    const list: { node: number; metres: number }[] = [];
    for (const [i, place] of places.entries()) {
      const s = snap(net, profile, place);
      if (!s || s.metres > MAX_SNAP_METRES) {
        const far = s ? `${Math.round(s.metres)} m` : 'any distance';
        return {
          unusable: `the street network (${net.sourceFile}) has no ${profile === 'CAR' ? 'road' : 'street or path'} within ${MAX_SNAP_METRES} m of place ${i + 1} (${place.latitude.toFixed(5)}, ${place.longitude.toFixed(5)}; nearest at ${far})`,
        };
      }
      list.push(s);
    }
    snapped.set(profile, list);
  }
  const paths = new Map<string, { metres: number; links: LinkData[] } | null>();
  const finders = new Map<TravelProfile, ReturnType<typeof aStar<NodeData, LinkData>>>();
  const finder = (profile: TravelProfile) => {
    let f = finders.get(profile);
    if (!f) {
      f = aStar<NodeData, LinkData>(net.graphs[profile], {
        oriented: true,
        distance: (_from, _to, l) => l.data.metres,
        // Straight-line metres, a touch under (the metric grid's scale factor is within 0.1 % here): never overestimates.
        heuristic: (a, b) => 0.999 * Math.hypot(a.data.x - b.data.x, a.data.y - b.data.y),
      });
      finders.set(profile, f);
    }
    return f;
  };
  const path = (profile: TravelProfile, from: number, to: number) => {
    const key = `${profile}:${from}:${to}`;
    if (paths.has(key)) return paths.get(key)!;
    let found: { metres: number; links: LinkData[] } | null = null;
    if (from === to) found = { metres: 0, links: [] };
    else {
      const nodes = finder(profile).find(from, to).reverse();
      if (nodes.length >= 2) {
        const links: LinkData[] = [];
        for (let k = 1; k < nodes.length; k++) links.push(net.graphs[profile].getLink(nodes[k - 1]!.id, nodes[k]!.id)!.data);
        found = { metres: links.reduce((sum, l) => sum + l.metres, 0), links };
      }
    }
    paths.set(key, found);
    return found;
  };
  const metres = (profile: string, i: number, j: number) => {
    if (i === j) return 0;
    const s = snapped.get(profile as TravelProfile)!;
    const p = path(profile as TravelProfile, s[i]!.node, s[j]!.node);
    return p ? s[i]!.metres + p.metres + s[j]!.metres : Number.POSITIVE_INFINITY;
  };
  return {
    method: TravelMethod.STREET_NETWORK,
    description: `Shortest paths over the street network from ${net.sourceFile} (one-way streets kept for cars and cycles) at ${speedDescription(profiles)}`,
    circuityFactor: null,
    metres,
    // Whole seconds, rounded up: the schedule stays in whole seconds and never runs a leg faster than its speed.
    seconds: (profile, i, j) => Math.ceil(metres(profile, i, j) / metresPerSecond(profile as TravelProfile)),
    leg(profile, i, j) {
      const start: [number, number] = [places[i]!.longitude, places[i]!.latitude];
      const end: [number, number] = [places[j]!.longitude, places[j]!.latitude];
      if (i === j) return [start, end];
      const s = snapped.get(profile)!;
      const p = path(profile, s[i]!.node, s[j]!.node);
      const line: [number, number][] = [start, net.positions[s[i]!.node]!];
      for (const l of p?.links ?? []) {
        const shape = net.edges[l.edge]!.coordinates;
        const ordered = l.forward ? shape : [...shape].reverse();
        line.push(...ordered.slice(1));
      }
      line.push(end);
      // Drop repeats (a place standing on its junction).
      return line.filter((c, k) => k === 0 || c[0] !== line[k - 1]![0] || c[1] !== line[k - 1]![1]);
    },
  };
}
