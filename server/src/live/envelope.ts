import { randomBytes } from 'node:crypto';

/**
 * PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more (in the default build). A
 * message that fits goes as it is, `{"t":topic,"p":payload}`; a bigger one (a batch of
 * 1,000 fixes is about 70 kB) is cut into numbered parts, `~id:i:n:text`, sent in one
 * statement, and joined again by every listener. Parts are cut on UTF-8 character
 * boundaries, since each part must be valid text on its own.
 */
export const MAX_NOTIFY_BYTES = 7900;
/** Header room for `~id:i:n:`. */
const PART_BYTES = MAX_NOTIFY_BYTES - 64;
/** Parts of a message that never completed (a sender died half-way) are dropped after this. */
const INCOMPLETE_TTL_MS = 60_000;

export interface Envelope {
  topic: string;
  payload: unknown;
}

let counter = 0;
const prefix = randomBytes(4).toString('hex');

/** The NOTIFY payloads that carry one message. */
export function encode(topic: string, payload: unknown): string[] {
  const text = JSON.stringify({ t: topic, p: payload });
  if (Buffer.byteLength(text, 'utf8') <= MAX_NOTIFY_BYTES) return [text];
  const id = `${prefix}${(counter++).toString(36)}`;
  const parts = splitUtf8(text, PART_BYTES);
  return parts.map((part, i) => `~${id}:${i}:${parts.length}:${part}`);
}

export function splitUtf8(text: string, maxBytes: number): string[] {
  const bytes = Buffer.from(text, 'utf8');
  const parts: string[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + maxBytes, bytes.length);
    // Back off continuation bytes (10xxxxxx) so a character is never cut in two.
    while (end < bytes.length && ((bytes[end] as number) & 0xc0) === 0x80) end--;
    parts.push(bytes.toString('utf8', start, end));
    start = end;
  }
  return parts;
}

/** Joins parts back into messages; one per listening connection. */
export class Reassembler {
  private readonly pending = new Map<string, { parts: (string | undefined)[]; got: number; since: number }>();

  /** The message a payload completes, or null while parts are missing. Throws on a malformed payload. */
  accept(text: string, now = Date.now()): Envelope | null {
    if (!text.startsWith('~')) return this.parse(text);
    const match = /^~([0-9a-z]+):(\d+):(\d+):/.exec(text);
    if (!match) throw new Error('malformed message part');
    const [header, id, i, n] = match as unknown as [string, string, string, string];
    const total = Number(n);
    let entry = this.pending.get(id);
    if (!entry) {
      this.expire(now);
      entry = { parts: new Array(total), got: 0, since: now };
      this.pending.set(id, entry);
    }
    const index = Number(i);
    if (entry.parts[index] === undefined) {
      entry.parts[index] = text.slice(header.length);
      entry.got++;
    }
    if (entry.got < total) return null;
    this.pending.delete(id);
    return this.parse(entry.parts.join(''));
  }

  private parse(text: string): Envelope {
    const { t, p } = JSON.parse(text) as { t?: unknown; p?: unknown };
    if (typeof t !== 'string') throw new Error('message without a topic');
    return { topic: t, payload: p };
  }

  private expire(now: number): void {
    for (const [id, entry] of this.pending) if (now - entry.since > INCOMPLETE_TTL_MS) this.pending.delete(id);
  }
}
