import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../auth/tokens.js';
import { VisitRequest } from '../requests/visit-request.entity.js';
import { Site } from '../sites/site.entity.js';
import { recordAudit } from './audit.service.js';

/**
 * The types whose objects are sensitive to read, and how to name one in the audit log.
 * Sites are the addresses of synagogues, mosques and schools under threat: an answer that
 * carries any field of a site — by `sites`, `site`, `overdueSites`, `coverage{sites{site}}`,
 * `patrolTrace{visits{site}}`, a live feed… — is a read of that site. Every field of these
 * types is wrapped (graphql/instrument.ts), so a new path to a site is audited without a
 * line of code, and no resolver calls the audit itself.
 */
const idOf = (root: unknown) => {
  const id = (root as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
};
export const AUDITED_READS: Record<string, (root: unknown) => string | null> = {
  Site: idOf,
  // A request for visits names a place under threat and who asked, before it is a site.
  VisitRequest: idOf,
};

/**
 * The sites and visit requests held by what a resolver returned, however deep (a saved
 * plan's stops' sites, an approved request's site): a mutation's own audit line names
 * them, so its answer needs no second line for carrying them.
 */
export function sensitiveIdsIn(value: unknown): string[] {
  const ids = new Set<string>();
  let seen = 0;
  const walk = (node: unknown, depth: number) => {
    if (depth > 6 || seen > 10_000 || node === null || typeof node !== 'object') return;
    seen++;
    if (Array.isArray(node)) {
      for (const item of node) walk(item, depth + 1);
      return;
    }
    if ((node instanceof Site || node instanceof VisitRequest) && typeof node.id === 'string') ids.add(node.id);
    for (const child of Object.values(node)) if (child !== null && typeof child === 'object') walk(child, depth + 1);
  };
  walk(value, 0);
  return [...ids];
}

/**
 * The sites one operation has read, gathered while it resolves and written as one audit
 * line (not one per field or per site): for a query, once its answer is complete and
 * before it is sent; for a subscription, with each event that carries a site it has not
 * carried before (a feed that sends the same sites all day writes each once).
 */
export class SiteReads {
  private readonly pending = new Set<string>();
  private readonly written = new Set<string>();

  add(id: string): void {
    if (!this.written.has(id)) this.pending.add(id);
  }

  /** Ids already in an audit line of this operation (a mutation's own line names what it changed). */
  audited(ids: Iterable<string>): void {
    for (const id of ids) {
      this.written.add(id);
      this.pending.delete(id);
    }
  }

  /** Writes one line for the sites read since the last one, if any; the line is written before the answer leaves. */
  async flush(
    em: EntityManager,
    entry: { operation: string; caller: Pick<Caller, 'userId' | 'role'> | null; clientAddress: string | null },
  ) {
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    await recordAudit(em, { ...entry, targetIds: ids, outcome: 'SUCCESS' });
    this.audited(ids);
  }
}
