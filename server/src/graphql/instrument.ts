import {
  defaultFieldResolver,
  GraphQLError,
  type GraphQLField,
  type GraphQLFieldResolver,
  type GraphQLSchema,
  getNamedType,
  isLeafType,
  isObjectType,
} from 'graphql';
import { auditMutations } from '../audit/audit.middleware.js';
import { AUDITED_READS } from '../audit/site-reads.js';
import type { Context } from './context.js';
import { listCap } from './cost.js';

const isPromiseLike = (value: unknown): value is PromiseLike<unknown> =>
  value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function';

function aborted(): GraphQLError {
  return new GraphQLError('The client went away: the operation was stopped', { extensions: { code: 'OPERATION_ABORTED' } });
}

function tooLong(key: string, cap: number, length: number): GraphQLError {
  return new GraphQLError(`${key} would hold ${length} items, more than the ${cap} it may: narrow the filter or the window`, {
    extensions: { code: 'QUERY_TOO_COSTLY' },
  });
}

/**
 * Arguments given as null, as left out: every nullable argument here means "no filter" or
 * "the default" either way, and a resolver's defaults (`filter = {}`) apply only to
 * arguments left out — `sites(filter: null)` reached a resolver that then read null.
 */
function withoutNulls(args: Record<string, unknown>): Record<string, unknown> {
  for (const key in args) if (args[key] === null) return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== null));
  return args;
}

/**
 * What every operation goes through once it runs, whichever transport brought it, wrapped
 * around the resolvers type-graphql built (not as a type-graphql global middleware: that
 * wraps every field of every type in a promise, and a list of 500 positions costs
 * thousands of them — measured: a live position event took about twice as long):
 *
 * - every Mutation field is audited (audit/audit.middleware.ts), refused or not;
 * - every field of a sensitive type (AUDITED_READS: sites) notes its object for the
 *   operation's one audit line, however the answer reached it;
 * - every list of objects that is not paged is held to the cap the cost estimate counted
 *   it at (graphql/cost.ts), so the estimate is a bound and not a guess;
 * - every field that may load data stops once the client is gone (context.signal);
 * - arguments given as null reach resolvers as left out (withoutNulls).
 *
 * Plain leaf fields of other types are left alone: they cost nothing to resolve.
 */
export function instrument(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const root = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].includes(type);
    const read = AUDITED_READS[type.name];
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, Context>[]) {
      const cap = listCap(type, field as GraphQLField<unknown, unknown>);
      const loads = root || field.args.length > 0 || !isLeafType(getNamedType(field.type));
      if (!read && cap === null && !loads) continue;
      const resolve = (field.resolve ?? defaultFieldResolver) as GraphQLFieldResolver<unknown, Context>;
      const key = `${type.name}.${field.name}`;
      const checkLength = (result: unknown) => {
        if (cap !== null && Array.isArray(result) && result.length > cap) throw tooLong(key, cap, result.length);
        return result;
      };
      field.resolve = (source, args, context, info) => {
        if (context?.signal?.aborted) throw aborted();
        if (read) {
          const id = read(source);
          if (id) context?.siteReads?.add(id);
        }
        const result = resolve(source, withoutNulls(args), context, info);
        if (cap === null) return result;
        return isPromiseLike(result) ? result.then(checkLength) : checkLength(result);
      };
    }
  }
  auditEveryMutation(schema);
}

/** Wraps each Mutation field in the audit middleware: the audit line also covers callers refused by role. */
function auditEveryMutation(schema: GraphQLSchema): void {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (root, args, context, info) =>
      auditMutations({ root, args, context, info }, async () => resolve(root, args, context, info));
  }
}
