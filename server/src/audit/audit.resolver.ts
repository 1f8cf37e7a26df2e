import { Arg, Authorized, Ctx, Field, ID, InputType, Int, Query, Resolver } from 'type-graphql';
import { Role } from '../auth/role.js';
import { Connection, decodeCursor, encodeCursor, pageSize, toPage } from '../graphql/connection.js';
import type { Context } from '../graphql/context.js';
import { badInput, checkId } from '../graphql/errors.js';
import { checkWindow } from '../shared/geometry-validation.js';
import { AuditEvent } from './audit-event.entity.js';

@InputType({ description: 'Which audit events to list.' })
class AuditFilter {
  @Field(() => Date, { nullable: true, description: 'At or after this time.' })
  from?: Date;

  @Field(() => Date, { nullable: true, description: 'Before this time.' })
  to?: Date;

  @Field(() => String, { nullable: true, description: 'Only this operation, e.g. login or createSite.' })
  operation?: string;

  @Field(() => ID, { nullable: true, description: 'Only this caller.' })
  actorId?: string;

  @Field(() => String, { nullable: true, description: 'Only this outcome: SUCCESS, DENIED, or ERROR:<code>.' })
  outcome?: string;
}

const AuditConnection = Connection('AuditEvent', AuditEvent);

/** Rows of one CSV export; the cost estimate counts the export at this (graphql/cost.ts). */
export const MAX_CSV_ROWS = 50_000;

function where(given: AuditFilter | null | undefined) {
  const filter = given ?? {};
  checkWindow(filter.from, filter.to, ['filter.from', 'filter.to']);
  return {
    ...(filter.from || filter.to
      ? { at: { ...(filter.from ? { $gte: filter.from } : {}), ...(filter.to ? { $lt: filter.to } : {}) } }
      : {}),
    ...(filter.operation ? { operation: filter.operation.slice(0, 100) } : {}),
    ...(filter.actorId ? { actorId: checkId('filter.actorId', filter.actorId) } : {}),
    ...(filter.outcome ? { outcome: filter.outcome.slice(0, 100) } : {}),
  };
}

/** A CSV field: quoted when it holds a comma, quote or line break; formula-leading characters defused for spreadsheets. */
function csvField(value: unknown): string {
  let text =
    value instanceof Date
      ? value.toISOString()
      : Array.isArray(value)
        ? value.join(' ')
        : value === null || value === undefined
          ? ''
          : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

@Resolver()
export class AuditResolver {
  @Authorized(Role.SUPERINTENDENT)
  @Query(() => AuditConnection, { description: 'The audit log, newest first (superintendents).' })
  async auditEvents(
    @Ctx() ctx: Context,
    @Arg('filter', () => AuditFilter, { nullable: true, description: 'Which events; all when left out.' }) filter?: AuditFilter,
    @Arg('first', () => Int, { nullable: true, description: 'Page size, 1–500 (default 100).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the last item of the previous page.' }) after?: string,
  ) {
    const size = pageSize(first);
    const conditions = where(filter);
    const totalCount = Number(await ctx.em.count(AuditEvent, conditions));
    const afterId = after ? decodeCursor(after, ['serial'])[0]! : null;
    const rows = await ctx.em.find(AuditEvent, afterId ? { ...conditions, id: { $lt: afterId } } : conditions, {
      orderBy: { id: 'desc' },
      limit: size + 1,
    });
    return toPage(rows, size, totalCount, (e) => encodeCursor([e.id]), after);
  }

  @Authorized(Role.SUPERINTENDENT)
  @Query(() => String, {
    description: `The audit log as CSV (RFC 4180), oldest first, at most ${MAX_CSV_ROWS.toLocaleString('en-GB')} rows: a filter matching more is refused, so an export is never cut short unseen (superintendents).`,
  })
  async auditEventsCsv(
    @Ctx() ctx: Context,
    @Arg('filter', () => AuditFilter, { nullable: true, description: 'Which events; all when left out.' }) filter?: AuditFilter,
  ): Promise<string> {
    const rows = await ctx.em.find(AuditEvent, where(filter), { orderBy: { id: 'asc' }, limit: MAX_CSV_ROWS + 1 });
    if (rows.length > MAX_CSV_ROWS)
      throw badInput('filter', `matches more than ${MAX_CSV_ROWS} events; export a shorter window (filter.from, filter.to) at a time`);
    const header = ['id', 'at', 'actor_id', 'actor_role', 'operation', 'target_ids', 'outcome', 'client_address'];
    const lines = rows.map((e) =>
      [e.id, e.at, e.actorId, e.actorRole, e.operation, e.targetIds, e.outcome, e.clientAddress].map(csvField).join(','),
    );
    return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
  }
}
