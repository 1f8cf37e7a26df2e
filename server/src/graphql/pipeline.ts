import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  type DocumentNode,
  GraphQLError,
  type GraphQLSchema,
  getVariableValues,
  Kind,
  NoSchemaIntrospectionCustomRule,
  type OperationDefinitionNode,
  type ParseOptions,
  type ValidationRule,
} from 'graphql';
import { targetIds } from '../audit/audit.middleware.js';
import { recordAudit } from '../audit/audit.service.js';
import type { Context } from './context.js';
import { checkCost, operationCost } from './cost.js';
import { createFormatError } from './format-error.js';
import { checkText, rootFieldNames, variablePaths } from './input-text.js';

/** Limits on the shape of an operation, checked when it is parsed and validated. */
export const LIMITS = {
  /** Deepest legitimate query (a site's visits' unit's call sign) is 4 levels. */
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 10_000,
  maxDirectives: 20,
} as const;

export type Transport = 'http' | 'graphql-ws';

/**
 * Which operations each transport carries. The dashboard and devices send queries and
 * mutations over HTTP and only listen over the socket, so the socket carries subscriptions
 * only: a query or mutation there (where no CSRF check, body limit or batching rule
 * applies, and a slow one would hold the socket) is refused with a clear error, as is a
 * subscription over HTTP, which cannot deliver events.
 */
function checkTransport(operation: OperationDefinitionNode, transport: Transport): void {
  const live = operation.operation === 'subscription';
  if (transport === 'graphql-ws' && !live)
    throw new GraphQLError(
      `This WebSocket carries subscriptions only: send ${operation.operation === 'query' ? 'queries' : 'mutations'} over HTTP (POST /graphql)`,
      { extensions: { code: 'BAD_REQUEST' } },
    );
  if (transport === 'http' && live)
    throw new GraphQLError('Subscriptions run over graphql-ws (a WebSocket on this same /graphql path), not over HTTP POST', {
      extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
    });
}

/** The variables as the cost estimate and the early check need them: lists emptied (see checkVariables). */
function withoutListItems(variables: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, Array.isArray(value) ? [] : value]));
}

/**
 * Variables that do not fit their declared types are refused here, as BAD_USER_INPUT with
 * a 400, rather than by the cost estimate (which coerces them too, and threw them as an
 * internal error) or halfway through. Lists are emptied first: execution coerces every
 * item once more anyway, and coercing a batch of 1,000 fixes twice for nothing was a tenth
 * of the CPU of an ingest batch (tests/bench); a bad item is refused by that coercion.
 */
function checkVariables(
  schema: GraphQLSchema,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  paths: ReadonlyMap<string, string>,
) {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], withoutListItems(variables), { maxErrors: 1 });
  if (!coerced.errors) return;
  const error = coerced.errors[0]!;
  const name = /^Variable "\$(\w+)"/.exec(error.message)?.[1];
  const at = /at "\w+((?:\.\w+|\[\d+\])*)"/.exec(error.message)?.[1] ?? '';
  throw new GraphQLError(error.message, {
    nodes: error.nodes,
    extensions: { code: 'BAD_USER_INPUT', ...(name ? { field: `${paths.get(name) ?? name}${at}` } : {}), http: { status: 400 } },
  });
}

/** The arguments a refused mutation field named, as far as they can be read without running it. */
function literalArguments(operation: OperationDefinitionNode, variables: Record<string, unknown>) {
  return operation.selectionSet.selections.flatMap((selection) => {
    if (selection.kind !== Kind.FIELD) return [];
    const args: Record<string, unknown> = {};
    for (const arg of selection.arguments ?? []) {
      if (arg.value.kind === Kind.STRING) args[arg.name.value] = arg.value.value;
      else if (arg.value.kind === Kind.VARIABLE) args[arg.name.value] = variables[arg.value.name.value];
    }
    return [{ name: selection.name.value, args }];
  });
}

export interface OperationRequest {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  variables: Record<string, unknown>;
  context: Context;
  transport: Transport;
}

/**
 * The one pipeline every operation passes, over HTTP (Apollo) and over graphql-ws alike:
 * the same parse limit, validation rules, checks before execution, error formatting and
 * audit. Each transport calls these steps in the same order: context (graphql/context.ts,
 * which also takes the operation from the caller's rate-limit budget), parse, validate,
 * `beforeExecution`, execute, `afterExecution`, `formatError` on every error.
 */
export function createPipeline(schema: GraphQLSchema, { production }: { production: boolean }) {
  const armor = new ApolloArmor({
    maxDepth: { n: LIMITS.maxDepth },
    maxAliases: { n: LIMITS.maxAliases },
    maxDirectives: { n: LIMITS.maxDirectives },
    // Tokens are limited by graphql's own parser (parseOptions), which reports a parse error (400).
    maxTokens: { enabled: false },
    // Cost is estimated in beforeExecution, with page sizes and list caps (graphql/cost.ts).
    costLimit: { enabled: false },
    // Suggestions are taken out by formatError, for both transports.
    blockFieldSuggestion: { enabled: false },
  }).protect();

  const parseOptions: ParseOptions = { maxTokens: LIMITS.maxTokens };
  const validationRules: ValidationRule[] = [
    ...(armor.validationRules as ValidationRule[]),
    // Introspection maps the whole schema, the names of hidden fields included: off in production.
    ...(production ? [NoSchemaIntrospectionCustomRule] : []),
  ];

  return {
    parseOptions,
    validationRules,
    formatError: createFormatError(production),

    /** After validation, before anything runs. Throws a GraphQLError that says what was wrong (with its HTTP status). */
    async beforeExecution({ document, operation, variables, context, transport }: OperationRequest): Promise<void> {
      if (context.authFailure) {
        // A mutation refused for its token is still an attempt at a change: audited as refused.
        if (operation.operation === 'mutation') {
          for (const { name, args } of literalArguments(operation, variables)) {
            await recordAudit(context.em, {
              caller: null,
              operation: name,
              targetIds: targetIds(args, null),
              outcome: 'DENIED',
              clientAddress: context.clientAddress,
            });
          }
        }
        throw context.authFailure;
      }
      checkTransport(operation, transport);
      const paths = variablePaths(document);
      checkText(document, variables, paths);
      checkVariables(schema, operation, variables, paths);
      checkCost(operationCost(schema, document, withoutListItems(variables), operation.name?.value));
    },

    /** Once the answer (or a subscription's event) is complete, before it is sent: the audit line of the sites it carries. */
    async afterExecution({ document, operation, context }: Omit<OperationRequest, 'variables' | 'transport'>): Promise<void> {
      await context.siteReads.flush(context.em, {
        operation: rootFieldNames(document, operation).join(','),
        caller: context.caller,
        clientAddress: context.clientAddress,
      });
    },
  };
}

export type Pipeline = ReturnType<typeof createPipeline>;
