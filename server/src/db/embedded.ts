import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { postgis } from '@electric-sql/pglite-postgis';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { StartupError } from '../shared/startup-error.js';
import { keepExchangesWhole } from './socket-queue.js';

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
 * each statement's exchange and each transaction together (db/socket-queue.ts), so a
 * `pg.Pool` works (more slowly than a real server).
 */
export async function startEmbeddedDatabase({ dataDir, loadDataDir }: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const release = dataDir ? claimDataDir(dataDir) : () => {};
  let db: PGlite;
  try {
    db = await openPGlite(dataDir, loadDataDir);
  } catch (error) {
    release();
    throw error;
  }
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
  // Each client's statements whole, not interleaved with another's (db/socket-queue.ts).
  keepExchangesWhole(server);
  await server.start();
  const address = server.getServerConn();
  return {
    url: `postgres://postgres@${address}/postgres`,
    dump: () => db.dumpDataDir('none'),
    async stop() {
      try {
        await server.stop();
        await db.close();
      } finally {
        release();
      }
    },
  };
}

/**
 * The extensions the schema needs, loaded at every start: PostGIS, and btree_gist for the
 * incidents' GiST index on place and time (Migration20261222IncidentsPlaceAndTime).
 */
export const EMBEDDED_EXTENSIONS = { postgis, btree_gist };

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * One process per data folder. PGlite has no lock of its own (its postmaster.pid holds a
 * fake pid, -42), and two processes writing one folder damage it beyond repair: a second
 * `npm start` would open the folder, migrate and seed, and only then find the port taken.
 * So `<folder>.lock` holds the pid of the process using it; a lock whose process is gone
 * is stale and taken over. Returns the function that releases the lock.
 */
function claimDataDir(dataDir: string): () => void {
  const lock = `${dataDir}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        if (existsSync(lock) && readFileSync(lock, 'utf8').trim() === String(process.pid)) rmSync(lock, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = Number(readFileSync(lock, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder))
        throw new StartupError(
          `The embedded database in ${dataDir} is in use by another Vigil process (pid ${holder}): stop that one first, or set VIGIL_DATA_DIR to another folder`,
        );
      rmSync(lock, { force: true });
    }
  }
}

/**
 * Opens PGlite, persisted to `dataDir` when given. After an unclean stop (killed, crashed)
 * PGlite's stale postmaster.pid alone can make it abort at start with a bare "Aborted()":
 * this folder is ours (claimDataDir), so the file is removed and the start tried once more.
 * If that fails too, the error says what to do rather than "Aborted()".
 */
async function openPGlite(dataDir: string | undefined, loadDataDir: Blob | undefined): Promise<PGlite> {
  const open = () => PGlite.create({ dataDir, loadDataDir, extensions: EMBEDDED_EXTENSIONS });
  try {
    return await open();
  } catch (first) {
    if (!dataDir) throw first;
    let error = first;
    const pidFile = join(dataDir, 'postmaster.pid');
    if (existsSync(pidFile)) {
      console.warn(`[vigil] the embedded database was not stopped cleanly last time: removing its stale ${pidFile} and starting again`);
      rmSync(pidFile);
      try {
        return await open();
      } catch (again) {
        error = again;
      }
    }
    throw new StartupError(
      `The embedded database in ${dataDir} did not start (${(error as Error).message}). It was probably damaged when Vigil was stopped uncleanly. ` +
        `Move or delete ${dirname(dataDir)} to start afresh (vigil demo loads the demo data again), or set DATABASE_URL to use a PostgreSQL server.`,
      { cause: error },
    );
  }
}
