import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { postgis } from '@electric-sql/pglite-postgis';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  /** postgres:// URL of the wire-protocol socket, for `pg` and MikroORM. */
  url: string;
  /** The whole database as a tarball, to boot copies from (tests). */
  dump(): Promise<Blob>;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder to persist to; in memory when undefined. */
  dataDir?: string;
  /** A tarball from `dump()` to start from. */
  loadDataDir?: Blob;
}

/**
 * PostGIS in-process: PGlite (PostgreSQL compiled to WebAssembly) with the PostGIS
 * extension, served over the Postgres wire protocol on a loopback port, so the server
 * talks to it through the same `pg` + MikroORM code path as to a real PostgreSQL.
 *
 * PGlite runs one query at a time; the socket server multiplexes connections and keeps
 * a transaction's statements together, so a `pg.Pool` works (more slowly than a real server).
 */
export async function startEmbeddedDatabase({ dataDir, loadDataDir }: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  // btree_gist: the incidents' GiST index on place and time (Migration20261222IncidentsPlaceAndTime).
  const db = await PGlite.create({ dataDir, loadDataDir, extensions: { postgis, btree_gist } });
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgres://postgres@${address}/postgres`,
    dump: () => db.dumpDataDir('none'),
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
