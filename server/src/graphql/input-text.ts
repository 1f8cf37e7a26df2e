import { type DocumentNode, GraphQLError, Kind, type OperationDefinitionNode, type SelectionSetNode, type ValueNode, visit } from 'graphql';

/** Unpaired UTF-16 surrogates: not Unicode, so no UTF-8 column can hold them. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What no text column can hold, in words, or null when the text is fine. */
function textProblem(text: string): string | null {
  if (text.includes('\u0000')) return 'contains a NUL character (U+0000), which no text can hold';
  const surrogate = LONE_SURROGATE.exec(text);
  if (surrogate) {
    const code = surrogate[0].charCodeAt(0).toString(16).toUpperCase();
    return `contains an unpaired UTF-16 surrogate (U+${code}), which is not Unicode text`;
  }
  return null;
}

function refuse(field: string, problem: string): GraphQLError {
  return new GraphQLError(`${field}: ${problem}`, { extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } } });
}

const join = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

/**
 * What is read from a document alone is kept with it: Apollo hands every request of the
 * same query text the same parsed DocumentNode, and each of these walks the whole of it.
 */
const pathsOf = new WeakMap<DocumentNode, Map<string, string>>();
const literalsFine = new WeakSet<DocumentNode>();
const rootNamesOf = new WeakMap<OperationDefinitionNode, string[]>();

/**
 * Where each variable of the operation is used, as an argument path (`input`, `filter.bbox`):
 * errors about a variable's value then name the field a client knows, as the resolvers'
 * own errors do. The first use wins.
 */
export function variablePaths(document: DocumentNode): ReadonlyMap<string, string> {
  const kept = pathsOf.get(document);
  if (kept) return kept;
  const paths = new Map<string, string>();
  const walk = (value: ValueNode, path: string) => {
    if (value.kind === Kind.VARIABLE) {
      if (!paths.has(value.name.value)) paths.set(value.name.value, path);
    } else if (value.kind === Kind.OBJECT) for (const f of value.fields) walk(f.value, join(path, f.name.value));
    else if (value.kind === Kind.LIST) {
      for (const [i, v] of value.values.entries()) walk(v, join(path, i));
    }
  };
  visit(document, {
    Argument(node) {
      walk(node.value, node.name.value);
    },
  });
  pathsOf.set(document, paths);
  return paths;
}

/**
 * Refuses, before anything runs, text that no column can hold — a NUL byte, an unpaired
 * surrogate — anywhere in the variables (inside GeoJSON too) or in the operation's string
 * literals, naming the field it was given for. PostgreSQL would otherwise fail on it deep
 * in a statement, as an internal error, after other statements of the request had run.
 */
export function checkText(document: DocumentNode, variables: Record<string, unknown>, paths: ReadonlyMap<string, string>): void {
  // The keys down to the value being looked at; its path is spelled only for an error (a
  // batch of 1,000 fixes is 7,000 values, nearly always fine).
  const keys: (string | number)[] = [];
  const pathOf = (root: string) => keys.reduce<string>(join, root);
  const walkValue = (value: unknown, root: string) => {
    if (keys.length > 64) return;
    if (typeof value === 'string') {
      const problem = textProblem(value);
      if (problem) throw refuse(pathOf(root), problem);
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        keys.push(i);
        walkValue(value[i], root);
        keys.pop();
      }
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        keys.push(key);
        const problem = textProblem(key);
        if (problem) throw refuse(pathOf(root), `the key ${problem}`);
        walkValue((value as Record<string, unknown>)[key], root);
        keys.pop();
      }
    }
  };
  for (const [name, value] of Object.entries(variables)) walkValue(value, paths.get(name) ?? `$${name}`);

  if (literalsFine.has(document)) return;
  const walkLiteral = (value: ValueNode, path: string) => {
    if (value.kind === Kind.STRING) {
      const problem = textProblem(value.value);
      if (problem) throw refuse(path, problem);
    } else if (value.kind === Kind.OBJECT) for (const f of value.fields) walkLiteral(f.value, join(path, f.name.value));
    else if (value.kind === Kind.LIST) {
      for (const [i, v] of value.values.entries()) walkLiteral(v, join(path, i));
    }
  };
  visit(document, {
    Argument(node) {
      walkLiteral(node.value, node.name.value);
    },
    // A variable's default is used when the variable is left out.
    VariableDefinition(node) {
      if (node.defaultValue) walkLiteral(node.defaultValue, paths.get(node.variable.name.value) ?? `$${node.variable.name.value}`);
    },
  });
  literalsFine.add(document);
}

/** The names of the root fields an operation selects (fragments at the root followed): its name in the audit log. */
export function rootFieldNames(document: DocumentNode, operation: OperationDefinitionNode): readonly string[] {
  const kept = rootNamesOf.get(operation);
  if (kept) return kept;
  const fragments = new Map(
    document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])),
  );
  const names = new Set<string>();
  const walk = (set: SelectionSetNode, depth: number) => {
    if (depth > 10) return;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (!selection.name.value.startsWith('__')) names.add(selection.name.value);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) walk(selection.selectionSet, depth + 1);
      else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment, depth + 1);
      }
    }
  };
  walk(operation.selectionSet, 0);
  const found = [...names];
  rootNamesOf.set(operation, found);
  return found;
}
