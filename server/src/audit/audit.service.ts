import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../auth/tokens.js';
import { query, type Sql, sql } from '../db/sql.js';

export interface AuditEntry {
  caller: Pick<Caller, 'userId' | 'role'> | null;
  operation: string;
  targetIds?: string[];
  /** SUCCESS, DENIED, or ERROR:<code>. */
  outcome: string;
  clientAddress?: string | null;
}

/** The statement that writes one audit line: run alone, or as a data-modifying CTE of a change's own statement. */
export function auditLineSql(entry: AuditEntry): Sql {
  return sql`insert into audit_events (actor_id, actor_role, operation, target_ids, outcome, client_address)
      values (${entry.caller?.userId ?? null}, ${entry.caller?.role ?? null}, ${entry.operation}, ${entry.targetIds ?? []}::text[],
              ${entry.outcome}, ${entry.clientAddress ?? null})`;
}

/**
 * Writes one audit line outside the caller's transaction: a refused or failed change is
 * recorded even though the change itself was rolled back. (A change that succeeded may
 * write its line in its own transaction instead: audit.middleware.ts, auditInTransaction.)
 */
export async function recordAudit(em: EntityManager, entry: AuditEntry): Promise<void> {
  await query(em, auditLineSql(entry), { outsideTransaction: true });
}
