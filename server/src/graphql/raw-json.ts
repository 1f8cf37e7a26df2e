import { randomUUID } from 'node:crypto';

/**
 * Lists of an answer that the database wrote as JSON text, put into the response as that
 * text rather than parsed, walked by graphql-js field by field and serialised again.
 *
 * A page of 500 incidents was 4,500 fields for graphql-js to resolve, complete and
 * serialise, plus a JSON.parse of the rows and the garbage of it all: most of the
 * server's CPU for the request (tests/bench, the bbox row). When a resolver can have
 * PostgreSQL build the very JSON graphql-js would have answered (plain leaf fields only:
 * graphql/selection.ts decides), it answers the list as empty, to graphql-js, and adds the
 * text here under the list's response path; once the answer is complete (errors
 * formatted, audit written) `mark` puts a placeholder at that path, and `stringifyAnswer` puts
 * the text where the placeholder's JSON string stands.
 *
 * Only HTTP answers are serialised by Vigil (Apollo's stringifyResult), so only an HTTP
 * request's context carries a RawJsonLists; elsewhere (graphql-ws, executeOperation) the
 * resolver answers the list as objects, as before.
 */
export class RawJsonLists {
  private readonly lists: { path: readonly (string | number)[]; json: string }[] = [];

  /** The text of the list at `path` (response keys from the root): a JSON array, as graphql-js would have answered it. */
  add(path: readonly (string | number)[], json: string): void {
    this.lists.push({ path, json });
  }

  /**
   * Puts a placeholder into `data` for each list added, where graphql-js left it empty,
   * and keeps the texts for `stringifyAnswer`. A list whose place is gone (a null parent from an
   * error further up) is dropped, as graphql-js would have dropped it.
   */
  mark(data: Record<string, unknown> | null | undefined): void {
    if (!data || this.lists.length === 0) return;
    // A fresh random token per answer: no text in the data, written before it existed, can equal it.
    const nonce = randomUUID();
    const texts = new Map<string, string>();
    for (const [n, { path, json }] of this.lists.entries()) {
      let parent: unknown = data;
      for (const key of path.slice(0, -1)) parent = parent && typeof parent === 'object' ? (parent as Record<string, unknown>)[key] : null;
      const last = path[path.length - 1]!;
      if (!parent || typeof parent !== 'object') continue;
      const place = parent as Record<string | number, unknown>;
      if (!Array.isArray(place[last]) || (place[last] as unknown[]).length !== 0) continue;
      const token = `vigil-raw-json:${nonce}:${n}`;
      place[last] = token;
      texts.set(JSON.stringify(token), json);
    }
    if (texts.size) pending.set(data, texts);
  }
}

/** Texts waiting for the answer they belong in, keyed by its `data` (the object Apollo hands to stringifyResult). */
const pending = new WeakMap<object, Map<string, string>>();

/** JSON.stringify of an answer, with the lists RawJsonLists.mark placed in it written as their text. */
export function stringifyAnswer(answer: { data?: unknown }): string {
  const text = JSON.stringify(answer);
  const texts = answer.data && typeof answer.data === 'object' ? pending.get(answer.data) : undefined;
  if (!texts) return text;
  let out = text;
  for (const [quoted, json] of texts) {
    const at = out.indexOf(quoted);
    if (at >= 0) out = out.slice(0, at) + json + out.slice(at + quoted.length);
  }
  return out;
}
