import { GraphQLError } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import type { Sql } from '../db/sql.js';
import type { Context } from '../graphql/context.js';
import { auditLineSql, recordAudit } from './audit.service.js';
import { sensitiveIdsIn } from './site-reads.js';

/** Ids a mutation touched: its argument `id`s and the `id`s of what it returned. */
export function targetIds(args: Record<string, unknown>, result: unknown): string[] {
  const ids = new Set<string>();
  const visit = (value: unknown, depth: number) => {
    if (depth > 2 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const item of value.slice(0, 1000)) visit(item, depth + 1);
      return;
    }
    const id = (value as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') ids.add(String(id));
    for (const nested of ['user', 'site', 'zone', 'request']) visit((value as Record<string, unknown>)[nested], depth + 1);
  };
  if (typeof args.id === 'string') ids.add(args.id);
  // Sign-ins are audited against the address tried, so failures can be counted per account.
  if (typeof args.email === 'string') ids.add(args.email.trim().toLowerCase().slice(0, 320));
  if (typeof args.unitId === 'string') ids.add(args.unitId);
  visit(result, 0);
  return [...ids];
}

/**
 * A mutation's success line, for a resolver to write in its own transaction (as a
 * statement, or as a CTE of one of its statements) rather than after it commits.
 */
export interface AuditInTransaction {
  line: Sql;
  /** Says the line is written in the transaction, so the middleware writes none after it. */
  written(): void;
}

/**
 * Every mutation leaves an audit line: who, role, when, operation, targets, outcome and
 * client address, whether it succeeded, was refused or failed.
 */
export const auditMutations: MiddlewareFn<Context> = async ({ context, info, args }, next) => {
  if (info.parentType.name !== 'Mutation') return next();
  const base = { operation: info.fieldName, clientAddress: context.clientAddress };
  // A resolver whose answer names nothing beyond its arguments may write its success line
  // in its own transaction: the change and its line commit together, and a batch of fixes
  // costs one commit and one statement fewer (tests/bench, ingest). Root mutation fields
  // run one after another, so the slot is this field's alone.
  let writtenInTransaction = false;
  const previous = context.auditInTransaction;
  context.auditInTransaction = {
    line: auditLineSql({ ...base, caller: context.caller, targetIds: targetIds(args, null), outcome: 'SUCCESS' }),
    written: () => {
      writtenInTransaction = true;
    },
  };
  try {
    const result = await next();
    if (writtenInTransaction) return result;
    // A successful login has no caller yet: the actor is the user who signed in.
    const signedIn = (result as { user?: { id: string; role: string } } | null)?.user;
    const caller =
      context.caller ?? (info.fieldName === 'login' && signedIn ? { userId: signedIn.id, role: signedIn.role as never } : null);
    // The sites the answer will carry are named here too: one line for the operation.
    const ids = [...new Set([...targetIds(args, result), ...sensitiveIdsIn(result)])];
    await recordAudit(context.em, { ...base, caller, targetIds: ids, outcome: 'SUCCESS' });
    // The sites this line names need no second line for being in the answer (site-reads.ts).
    context.siteReads?.audited(ids);
    return result;
  } catch (error) {
    const code = error instanceof GraphQLError ? String(error.extensions.code ?? 'ERROR') : 'INTERNAL_SERVER_ERROR';
    const outcome = code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' ? 'DENIED' : `ERROR:${code}`;
    await recordAudit(context.em, { ...base, caller: context.caller, targetIds: targetIds(args, null), outcome });
    throw error;
  } finally {
    context.auditInTransaction = previous;
  }
};
