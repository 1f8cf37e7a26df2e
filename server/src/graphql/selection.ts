import { type FieldNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/** A field of an answer as the client named it: the key it appears under, and the schema field it reads. */
export interface PlainField {
  key: string;
  field: string;
}

/**
 * The fields a selection asks for, in the order graphql-js would answer them (first
 * appearance, fragments expanded where they stand), merged by response key — or null when
 * the selection uses anything beyond plain fields and unconditional fragments of `type`:
 * a directive (@skip, @include), a fragment on another type. Callers take null as "let
 * graphql-js answer this", so a shape this does not understand is never answered wrongly.
 */
function collect(
  info: GraphQLResolveInfo,
  sets: readonly (SelectionSetNode | undefined)[],
  type: string,
): Map<string, { field: string; nodes: FieldNode[] }> | null {
  const fields = new Map<string, { field: string; nodes: FieldNode[] }>();
  const walk = (set: SelectionSetNode | undefined): boolean => {
    for (const selection of set?.selections ?? []) {
      if (selection.directives?.length) return false;
      if (selection.kind === Kind.FIELD) {
        const key = selection.alias?.value ?? selection.name.value;
        const seen = fields.get(key);
        if (seen) seen.nodes.push(selection);
        else fields.set(key, { field: selection.name.value, nodes: [selection] });
        continue;
      }
      const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? info.fragments[selection.name.value] : selection;
      if (!fragment || (fragment.typeCondition && fragment.typeCondition.name.value !== type)) return false;
      if (fragment.directives?.length || !walk(fragment.selectionSet)) return false;
    }
    return true;
  };
  return sets.every(walk) ? fields : null;
}

/**
 * For a connection field being resolved (`info`), the one response key its `listField`
 * (e.g. `nodes`) is answered under and the plain leaf fields of `itemType` each item is
 * asked for — when every one of them is in `leaves` (or is __typename), takes no
 * arguments and the connection is not also asked for the fields in `alongside` (e.g.
 * `edges`, which need the items as objects). Null otherwise, or when the list is not asked
 * for at all.
 */
export function plainListSelection(
  info: GraphQLResolveInfo,
  {
    connectionType,
    listField,
    itemType,
    leaves,
    alongside = [],
  }: {
    connectionType: string;
    listField: string;
    itemType: string;
    leaves: ReadonlySet<string>;
    alongside?: readonly string[];
  },
): { key: string; fields: PlainField[] } | null {
  const top = collect(
    info,
    info.fieldNodes.map((n) => n.selectionSet),
    connectionType,
  );
  if (!top) return null;
  const lists = [...top].filter(([, f]) => f.field === listField);
  if (lists.length !== 1 || [...top.values()].some((f) => alongside.includes(f.field))) return null;
  const [key, list] = lists[0]!;
  if (list.nodes.some((n) => n.arguments?.length)) return null;
  const items = collect(
    info,
    list.nodes.map((n) => n.selectionSet),
    itemType,
  );
  if (!items || items.size === 0) return null;
  const fields: PlainField[] = [];
  for (const [itemKey, { field, nodes }] of items) {
    if (field !== '__typename' && !leaves.has(field)) return null;
    if (nodes.some((n) => n.arguments?.length || n.selectionSet)) return null;
    fields.push({ key: itemKey, field });
  }
  return { key, fields };
}

/** The response path of the field being resolved, as keys and list indices. */
export function responsePath(info: GraphQLResolveInfo): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = info.path; p; p = p.prev) keys.unshift(p.key);
  return keys;
}
