import type { ClassType } from 'type-graphql';
import { Field, Int, ObjectType } from 'type-graphql';
import { badInput } from './errors.js';

/** Lists are bounded: no page larger than this, whatever a client asks. */
export const MAX_PAGE_SIZE = 500;
export const DEFAULT_PAGE_SIZE = 100;

@ObjectType({ description: 'Where a page sits in the whole list (Relay cursor connections).' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more items follow this page.' })
  hasNextPage!: boolean;

  @Field(() => Boolean, { description: 'Whether items come before this page (true when `after` was given).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first item on this page.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item: pass it as `after` for the next page.' })
  endCursor!: string | null;
}

export interface Page<T> {
  totalCount: number;
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
}

/** A Relay-style connection type for `node`, named `<Name>Connection` with `<Name>Edge`. */
export function Connection<T extends object>(name: string, node: ClassType<T>) {
  @ObjectType(`${name}Edge`, { description: `One ${name.toLowerCase()} in a page, with its cursor.` })
  class Edge {
    @Field(() => String, { description: 'Opaque cursor of this item.' })
    cursor!: string;

    @Field(() => node, { description: 'The item.' })
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name.toLowerCase()} results.` })
  class ConnectionType implements Page<T> {
    @Field(() => Int, { description: 'How many items match the filter, across all pages.' })
    totalCount!: number;

    @Field(() => [Edge], { description: 'The items of this page with their cursors.' })
    edges!: Edge[];

    @Field(() => [node], { description: 'The items of this page.' })
    nodes!: T[];

    @Field(() => PageInfo, { description: 'Cursors and whether more pages exist.' })
    pageInfo!: PageInfo;
  }
  return ConnectionType;
}

/** Checks `first` against the cap; the error names the argument. */
export function pageSize(first: number | undefined | null): number {
  if (first === undefined || first === null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInput('first', `must be between 1 and ${MAX_PAGE_SIZE} (got ${first})`);
  }
  return first;
}

export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** What each value of a cursor is: a cursor made by a list holds exactly these, so a forged one is refused here. */
export type CursorPart = 'text' | 'uuid' | 'timestamp' | 'serial';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PARTS: Record<CursorPart, (v: unknown) => boolean> = {
  text: (v) => typeof v === 'string' && v.length <= 1000 && !v.includes('\u0000'),
  uuid: (v) => typeof v === 'string' && UUID.test(v),
  timestamp: (v) => typeof v === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$/.test(v) && Number.isFinite(Date.parse(v)),
  // bigserial ids, as the decimal strings the database returns them as.
  serial: (v) => typeof v === 'string' && /^[1-9]\d{0,18}$/.test(v),
};

/**
 * The values of a cursor this list made, or BAD_USER_INPUT naming `after`. Each value is
 * checked against what the list puts there, so a cursor forged to hold SQL, a huge number
 * or text where an id belongs never reaches a statement.
 */
export function decodeCursor(cursor: string, parts: CursorPart[]): string[] {
  if (cursor.length <= 4096) {
    try {
      const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
      if (Array.isArray(values) && values.length === parts.length && values.every((v, i) => PARTS[parts[i]!](v))) return values as string[];
    } catch {
      // fall through to the error below
    }
  }
  throw badInput('after', 'is not a cursor from this list');
}

/**
 * Builds a page from `size + 1` rows fetched after the cursor: the extra row only says
 * whether another page exists.
 */
export function toPage<T>(rows: T[], size: number, totalCount: number, cursorOf: (row: T) => string, after?: string | null): Page<T> {
  const nodes = rows.slice(0, size);
  const edges = nodes.map((node) => ({ cursor: cursorOf(node), node }));
  return {
    totalCount,
    edges,
    nodes,
    pageInfo: {
      hasNextPage: rows.length > size,
      hasPreviousPage: Boolean(after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
