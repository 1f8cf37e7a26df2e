import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../auth/tokens.js';
import { query, sql } from '../db/sql.js';

export interface AuditEntry {
  caller: Pick<Caller, 'userId' | 'role'> | null;
  operation: string;
  targetIds?: string[];
  /** SUCCESS, DENIED, or ERROR:<code>. */
  outcome: string;
  clientAddress?: string | null;
}

/**
 * Writes one audit line outside the caller's transaction: a refused or failed change is
 * recorded even though the change itself was rolled back. With `inTransaction`, in the
 * transaction of `em` instead: the line of a change that succeeded commits with it, or
 * not at all (audit.middleware.ts, auditInTransaction).
 */
export async function recordAudit(em: EntityManager, entry: AuditEntry, { inTransaction = false } = {}): Promise<void> {
  await query(
    em,
    sql`insert into audit_events (actor_id, actor_role, operation, target_ids, outcome, client_address)
        values (${entry.caller?.userId ?? null}, ${entry.caller?.role ?? null}, ${entry.operation}, ${entry.targetIds ?? []}::text[],
                ${entry.outcome}, ${entry.clientAddress ?? null})`,
    { outsideTransaction: !inTransaction },
  );
}
