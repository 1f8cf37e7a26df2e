/**
 * Turns an error the embedded PostGIS lost back into an error.
 *
 * When GEOS throws inside PGlite (pglite-postgis 0.2.8: a TopologyException, say, from
 * ST_Intersection of a self-crossing ring), the exception never becomes a PostgreSQL
 * ERROR: the statement just stops, and a caller would take a short or empty answer for
 * the truth (a real PostgreSQL answers "GEOS Error: …"). What PGlite sends instead:
 * - to an Execute that asked for every row, the rows so far and a PortalSuspended (to
 *   which `pg` asks for more, of a portal that is gone by then);
 * - when the failure came while planning (constants folded at Bind), nothing to the Bind
 *   (always answered otherwise), then NoData and EmptyQueryResponse;
 * - at the end of the transaction (the Sync of the exchange, or the end of a simple
 *   Query's answer), WARNINGs of what the aborted executor never released: "snapshot …
 *   still active", "resource was not closed: …". PostgreSQL warns of such leaks only
 *   when an error escaped its handling; a statement that ran right leaves none;
 * - to a simple Query whose statement failed while planning, nothing at all, not even the
 *   ReadyForQuery that ends every answer; its leak warnings come with the next answer.
 *
 * So the last bytes of those answers are held back until each is over, and an
 * ErrorResponse goes out in place of a PortalSuspended nobody asked for, in place of the
 * missing BindComplete (the rest of that exchange dropped, up to its Sync), before the
 * ReadyForQuery after leak warnings (unless an error already went out in that exchange,
 * or the warnings are those of an error raised before), or with a ReadyForQuery of its own
 * where the answer had none. `pg` raises it like any other. Everything else passes
 * through unchanged, the tail a moment later. The relay also says whether an answer ended
 * with a ReadyForQuery, which is how socket-queue.ts knows an exchange is over.
 */

const EXECUTE = 0x45; // 'E'
const QUERY = 0x51; // 'Q'
const SYNC = 0x53; // 'S'
const BIND = 0x42; // 'B'
const ERROR = 0x45; // 'E', in an answer
const NOTICE = 0x4e; // 'N'
const READY = 0x5a; // 'Z'
const COPY_IN = 0x47; // 'G': the answer goes on once the client has sent its data
/** PortalSuspended: 's', length 4. */
const SUSPENDED = [0x73, 0, 0, 0, 4];
/** What is held back: ReadyForQuery ('Z', length 5, status), the longest ending looked at. */
const TAIL = 6;
/** PostgreSQL's end-of-transaction leak warnings (resowner.c, snapmgr.c and the like). */
const LEAK = /^snapshot \S+ still active$|^resource was not closed: |reference leak|^\d+ registered snapshots seem to remain/;

export const LOST_ERROR_MESSAGE =
  'the embedded database (PGlite) stopped this statement early without the error PostGIS raised (a GEOS exception it cannot pass on); a real PostgreSQL + PostGIS reports it in full';

/** An ErrorResponse: severity, SQLSTATE XX000 (internal error, as PostGIS's own), message. */
function errorResponse(message: string): Buffer {
  const fields = ['SERROR', 'VERROR', 'CXX000', `M${message}`];
  const body = Buffer.concat([...fields.map((f) => Buffer.from(`${f}\0`, 'utf8')), Buffer.from([0])]);
  const out = Buffer.alloc(5 + body.length);
  out[0] = 0x45;
  out.writeInt32BE(4 + body.length, 1);
  body.copy(out, 5);
  return out;
}
const LOST_ERROR = errorResponse(LOST_ERROR_MESSAGE);

/** The M (message) field of a NoticeResponse body. */
function noticeMessage(body: Uint8Array): string {
  let at = 0;
  while (at < body.length && body[at] !== 0) {
    const end = body.indexOf(0, at + 1);
    if (end < 0) break;
    if (body[at] === 0x4d) return Buffer.from(body.subarray(at + 1, end)).toString('utf8');
    at = end + 1;
  }
  return '';
}

/** Walks an answer's messages across chunks: whether it holds an error, a leak warning, a ReadyForQuery, and its last message's type. */
class AnswerWatch {
  private header = new Uint8Array(5);
  private headerFill = 0;
  private left = 0;
  private notice: Uint8Array | null = null;
  private noticeFill = 0;
  error = false;
  leaked = false;
  ready = false;
  copyIn = false;
  /** The type of the answer's last message; undefined while it has none. */
  last: number | undefined;

  read(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.left === 0) {
        const take = Math.min(5 - this.headerFill, chunk.length - at);
        this.header.set(chunk.subarray(at, at + take), this.headerFill);
        this.headerFill += take;
        at += take;
        if (this.headerFill < 5) return;
        this.headerFill = 0;
        const type = this.header[0]!;
        this.last = type;
        if (type === ERROR) this.error = true;
        if (type === READY) this.ready = true;
        if (type === COPY_IN) this.copyIn = true;
        this.left = new DataView(this.header.buffer).getInt32(1) - 4;
        this.notice = type === NOTICE ? new Uint8Array(this.left) : null;
        this.noticeFill = 0;
        if (this.left === 0) continue;
      }
      const take = Math.min(this.left, chunk.length - at);
      if (this.notice) {
        this.notice.set(chunk.subarray(at, at + take), this.noticeFill);
        this.noticeFill += take;
      }
      this.left -= take;
      at += take;
      if (this.left === 0 && this.notice) {
        if (LEAK.test(noticeMessage(this.notice))) this.leaked = true;
        this.notice = null;
      }
    }
  }
}

/** What the relays share: one connection's exchange, and the one PGlite session. */
export interface Relaying {
  exchange: {
    /** Whether an error went out to this connection since its last ReadyForQuery. */
    errorSent: boolean;
    /** Whether the rest of the exchange is dropped, up to its Sync, after an error raised here (as PostgreSQL itself does). */
    skipping: boolean;
  };
  /** Whether a lost error was raised whose leak warnings have not come yet. */
  session: { lostRaised: boolean };
  inTransaction(): boolean;
}

/** ReadyForQuery with the session's status: in a transaction block or idle. */
const readyForQuery = (inTransaction: boolean) => new Uint8Array([READY, 0, 0, 0, 5, inTransaction ? 0x54 : 0x49]);

/** How one answer is passed on: `data` for each chunk PGlite sends, `end` once it is over (true when it ended with a ReadyForQuery). */
export interface AnswerRelay {
  data(chunk: Uint8Array): void;
  end(): boolean;
}

/** A relay for the answer to `request` (one protocol message), sending to `forward`. */
export function relayAnswer(request: Uint8Array, relaying: Relaying, forward: (chunk: Uint8Array) => void): AnswerRelay {
  const { exchange, session } = relaying;
  const kind = request[0];
  if (exchange.skipping && kind !== SYNC) return { data() {}, end: () => false };
  exchange.skipping = false;
  const wantsEveryRow =
    kind === EXECUTE &&
    request.length >= 9 &&
    new DataView(request.buffer, request.byteOffset, request.byteLength).getInt32(request.length - 4) === 0;
  const endsExchange = kind === QUERY || kind === SYNC;
  // Leak warnings at the end of an implicit transaction are this exchange's; at the end of
  // a block (COMMIT) they are an earlier statement's, whose transaction has committed.
  const ownsLeaks = endsExchange && !relaying.inTransaction();
  const watch = new AnswerWatch();
  const settle = () => {
    if (watch.error) exchange.errorSent = true;
    if (watch.ready) exchange.errorSent = false;
    return watch.last === READY;
  };
  const raise = () => {
    forward(LOST_ERROR);
    watch.error = true;
    watch.last = ERROR;
    session.lostRaised = true;
  };
  if (!wantsEveryRow && !endsExchange)
    return {
      data(chunk) {
        watch.read(chunk);
        forward(chunk);
      },
      end() {
        // A Bind always answers (BindComplete or an error) unless an error came before it.
        if (kind === BIND && watch.last === undefined && !exchange.errorSent) {
          raise();
          exchange.skipping = true;
        }
        return settle();
      },
    };
  let held: Uint8Array = new Uint8Array(0);
  return {
    data(chunk) {
      watch.read(chunk);
      const joined = held.length ? Buffer.concat([held, chunk]) : chunk;
      if (joined.length > TAIL) forward(joined.subarray(0, joined.length - TAIL));
      // A copy: PGlite's chunk is a view of memory it reuses.
      held = new Uint8Array(joined.subarray(Math.max(0, joined.length - TAIL)));
    },
    end() {
      const n = held.length;
      const ready = n === TAIL && held[0] === READY;
      if (wantsEveryRow && n >= 5 && SUSPENDED.every((b, i) => held[n - 5 + i] === b)) {
        // Stopped mid-portal: the error, in place of the PortalSuspended.
        if (n > 5) forward(held.subarray(0, n - 5));
        raise();
      } else if (endsExchange && !ready && !watch.copyIn) {
        // Stopped before the end (a Query answered with nothing at all): the error, and the end.
        if (n) forward(held);
        raise();
        forward(readyForQuery(relaying.inTransaction()));
        watch.ready = true;
        watch.last = READY;
      } else if (watch.leaked && session.lostRaised) {
        // The warnings of an error already raised, at the end of its transaction.
        session.lostRaised = false;
        forward(held);
      } else if (watch.leaked && ownsLeaks && ready && !exchange.errorSent && !watch.error) {
        // The statement ended, but its error was lost on the way.
        forward(LOST_ERROR);
        watch.error = true;
        forward(held);
      } else if (n) forward(held);
      return settle();
    },
  };
}
