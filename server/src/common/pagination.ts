import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { badInput } from './errors';

export const DEFAULT_PAGE_SIZE = 20;

/**
 * The most items any one list in an answer carries. A list that grows with use takes `first` (defaulting to this
 * cap or less), so the cost limit counts it at the size it may have.
 */
export const MAX_LIST_ITEMS = 1000;

export const LIST_FIRST_DESCRIPTION = `How many items to return (default and most: ${MAX_LIST_ITEMS}).`;

/** The `first` argument of a bounded list: how many items, from 0 to MAX_LIST_ITEMS. */
export function listLimit(first: number | null | undefined, defaultSize = MAX_LIST_ITEMS): number {
  return pageSize(first ?? defaultSize, MAX_LIST_ITEMS);
}

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: 'How many items to return (default 20; at most the server limit, 100 by default).',
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

@ObjectType({ description: 'Where a page sits in its list (Relay cursor connections).' })
export class PageInfo {
  @Field()
  hasNextPage: boolean;

  @Field({ description: 'Whether items come before this page: true for every page after the first.' })
  hasPreviousPage: boolean;

  @Field(() => String, { nullable: true, description: 'The cursor of the first item of the page.' })
  startCursor: string | null;

  @Field(() => String, { nullable: true, description: 'The cursor of the last item of the page: pass it as `after`.' })
  endCursor: string | null;
}

/**
 * The page info of a forward page. A page asked for with `after` follows the item that cursor came from, so
 * something comes before it; telling for sure would cost a query per page, which the Relay spec lets us skip.
 */
export function pageInfoOf(
  edges: readonly { cursor: string }[],
  hasNextPage: boolean,
  after: string | null | undefined,
): PageInfo {
  return {
    hasNextPage,
    hasPreviousPage: Boolean(after),
    startCursor: edges.length > 0 ? edges[0].cursor : null,
    endCursor: edges.length > 0 ? edges[edges.length - 1].cursor : null,
  };
}

export interface Page<T> {
  nodes: T[];
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
  totalCount: () => Promise<number>;
}

/** A connection type with `edges`, `nodes`, `pageInfo` and `totalCount` for `itemType`. */
export function Connection<T extends object>(itemType: ClassType<T>) {
  @ObjectType(`${itemType.name}Edge`)
  class Edge {
    @Field()
    cursor: string;

    @Field(() => itemType)
    node: T;
  }

  @ObjectType()
  class ConnectionType {
    @Field(() => [Edge])
    edges: Edge[];

    @Field(() => [itemType])
    nodes: T[];

    @Field(() => PageInfo)
    pageInfo: PageInfo;

    totalCount: () => Promise<number>;

    @Field(() => Int, { name: 'totalCount', description: 'How many items match, over all pages.' })
    countAll(): Promise<number> {
      return this.totalCount();
    }
  }
  return ConnectionType;
}

/** One sort column: the SQL expression and how to read its value from a loaded row. */
export interface SortKey<T> {
  expression: string;
  direction: 'ASC' | 'DESC';
  /** `computed`: the values of the keys that have an `alias`, by alias. */
  value: (row: T, computed: Record<string, unknown>) => string | number | Date;
  /**
   * A value computed in the query rather than a column of the entity (a count, a comparison): it is selected
   * under this alias, so the cursor can carry it.
   */
  alias?: string;
}

export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, length: number): unknown[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(values) && values.length === length) return values;
  } catch {
    // reported below
  }
  throw badInput(`'after' is not a cursor from this list`);
}

/** PostgreSQL SQLSTATE class 22: a value that does not fit its type (invalid uuid, number or date syntax). */
function isDataException(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('22');
}

export function pageSize(first: number | null | undefined, maxPageSize: number): number {
  if (first === null || first === undefined) return Math.min(DEFAULT_PAGE_SIZE, maxPageSize);
  if (!Number.isInteger(first) || first < 0) throw badInput(`'first' must be a whole number, 0 or more`);
  if (first > maxPageSize) throw badInput(`'first' may be at most ${maxPageSize}`);
  return first;
}

/**
 * Keyset pagination: the cursor holds the sort values of the last row, so a page costs the same however deep
 * it is. The last sort key must make the order total (an id).
 */
export async function paginate<T extends ObjectLiteral>(
  query: SelectQueryBuilder<T>,
  args: PageArgs,
  sort: SortKey<T>[],
  maxPageSize: number,
): Promise<Page<T>> {
  const limit = pageSize(args.first, maxPageSize);
  const counter = query.clone();
  const page = query.clone();
  if (args.after) {
    const values = decodeCursor(args.after, sort.length);
    const alternatives: string[] = [];
    const parameters: Record<string, unknown> = {};
    sort.forEach((key, index) => {
      const equalities = sort.slice(0, index).map((earlier, j) => `${earlier.expression} = :cursor${j}`);
      const comparison = `${key.expression} ${key.direction === 'ASC' ? '>' : '<'} :cursor${index}`;
      alternatives.push(`(${[...equalities, comparison].join(' AND ')})`);
      parameters[`cursor${index}`] = values[index];
    });
    page.andWhere(`(${alternatives.join(' OR ')})`, parameters);
  }
  sort.forEach((key, index) =>
    index === 0 ? page.orderBy(key.expression, key.direction) : page.addOrderBy(key.expression, key.direction),
  );
  const computedKeys = sort.filter((key) => key.alias);
  for (const key of computedKeys) page.addSelect(key.expression, key.alias);
  page.limit(limit + 1);
  const load = async (): Promise<{ rows: T[]; computed: Record<string, unknown>[] }> => {
    if (computedKeys.length === 0) return { rows: await page.getMany(), computed: [] };
    const { entities, raw } = await page.getRawAndEntities<Record<string, unknown>>();
    // Only many-to-one joins page this way, so each entity has one raw row; match them by id to be sure.
    const byId = new Map(raw.map((row): [unknown, Record<string, unknown>] => [row[`${page.alias}_id`], row]));
    return {
      rows: entities,
      computed: entities.map((entity) => {
        const row = byId.get((entity as { id?: unknown }).id) ?? {};
        return Object.fromEntries(computedKeys.map((key): [string, unknown] => [key.alias!, row[key.alias!]]));
      }),
    };
  };
  const { rows, computed } =
    limit === 0
      ? { rows: [], computed: [] }
      : await load().catch((error: unknown) => {
          // A cursor edited to hold values of the wrong type (text for a uuid) fails in the database: bad input, not a fault.
          if (args.after && isDataException(error)) throw badInput(`'after' is not a cursor from this list`);
          throw error;
        });
  const hasNextPage = rows.length > limit;
  const nodes = rows.slice(0, limit);
  const edges = nodes.map((node, index) => ({
    node,
    cursor: encodeCursor(
      sort.map((key) => {
        const value = key.value(node, computed[index] ?? {});
        return value instanceof Date ? value.toISOString() : value;
      }),
    ),
  }));
  let count: Promise<number> | undefined;
  return {
    nodes,
    edges,
    pageInfo: pageInfoOf(edges, hasNextPage, args.after),
    totalCount: () => (count ??= counter.getCount()),
  };
}
