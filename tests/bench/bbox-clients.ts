/**
 * The clients of the bbox scenario (bench/bbox.ts), in a worker thread (bench/workers.ts):
 * 10 analysts through GraphQL, 10 `pg` connections running the API's own statement, and
 * the same 10 connections running the naive statements.
 */
import { workerData } from 'node:worker_threads';
import { DashboardIncidentsDocument } from '@vigil/schema';
import pg from 'pg';
import { GraphQLClient } from './http.js';
import { concurrently } from './measure.js';
import { serve } from './workers.js';

export interface Box {
  west: number;
  south: number;
  east: number;
  north: number;
}

export interface BboxClientsData {
  serverUrl: string;
  dbUrl: string;
  tokens: string[];
  boxes: Box[];
  /** The resolver's own statement for each box (incidentPageSql: text and values). */
  statements: { text: string; values: unknown[] }[];
  page: number;
  countBound: number;
  naiveCountSql: string;
  naivePageSql: string;
}

export type Side = 'api' | 'own' | 'naive';
export type BboxCommand =
  | { type: 'check'; boxes: number[] }
  | { type: 'run'; side: Side; round: number; perClient: number }
  | { type: 'close' };

/** What one side found in a box: the count as the API states it, and the page's ids. */
export interface Found {
  totalCount: number;
  exact: boolean;
  ids: string[];
}

const data = workerData as BboxClientsData;
const clients = data.tokens.length;
const apis = data.tokens.map((token) => new GraphQLClient(data.serverUrl, token));
const raws = await Promise.all(
  data.tokens.map(async () => {
    const c = new pg.Client({ connectionString: data.dbUrl, application_name: 'vigil-bench-raw' });
    await c.connect();
    return c;
  }),
);

const sides: Record<Side, (client: number, box: number) => Promise<Found>> = {
  async api(client, box) {
    const { incidents } = await apis[client]!.request(DashboardIncidentsDocument, { filter: { bbox: data.boxes[box]! }, first: data.page });
    return { totalCount: incidents.totalCount, exact: incidents.totalCountIsExact, ids: incidents.nodes.map((n) => n.id) };
  },
  async own(client, box) {
    const statement = data.statements[box]!;
    const { rows } = await raws[client]!.query<{ total: number; nodes: string }>(statement.text, statement.values);
    const { total, nodes } = rows[0]!;
    return {
      totalCount: Math.min(total, data.countBound),
      exact: total <= data.countBound,
      // Read as a client of either side must read it (the API's clients parse its answer;
      // pg would parse the value had the statement not cast it to text for the server).
      ids: (JSON.parse(nodes) as { id: string }[]).map((n) => n.id),
    };
  },
  async naive(client, box) {
    const b = data.boxes[box]!;
    const args = [b.west, b.south, b.east, b.north];
    const count = await raws[client]!.query<{ count: string }>(data.naiveCountSql, args);
    const page = await raws[client]!.query<{ id: string }>(data.naivePageSql, args);
    const n = Number(count.rows[0]!.count);
    return { totalCount: n, exact: true, ids: page.rows.map((r) => r.id) };
  },
};

/** The box client `client` asks for in its `i`th request of a round: the same sequence on every side. */
const boxOf = (client: number, i: number, round: number) => (client * 31 + i * 7 + round * 13) % data.boxes.length;

serve<BboxCommand>(async (command) => {
  switch (command.type) {
    case 'check': {
      const found: Record<Side, Found>[] = [];
      for (const b of command.boxes) found.push({ api: await sides.api(0, b), own: await sides.own(0, b), naive: await sides.naive(0, b) });
      return found;
    }
    case 'run': {
      const run = sides[command.side];
      return concurrently(clients, command.perClient, (c, i) => run(c, boxOf(c, i, command.round)).then(() => 1));
    }
    case 'close':
      for (const a of apis) a.close();
      await Promise.all(raws.map((c) => c.end()));
      return null;
  }
});
