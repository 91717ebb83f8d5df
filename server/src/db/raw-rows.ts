import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * Hand-written SQL that selects whole rows of `entity`'s table, returned as entities with columns mapped by the
 * entity's metadata. For the engine's hot path, where building a query and mapping its aliased result cost the
 * process more than the database spends on the statement.
 */
export async function selectEntities<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  return toEntities(manager, entity, await manager.query<Record<string, unknown>[]>(sql, parameters));
}

/** Rows of `entity`'s table (by column name) as entities; other columns of the rows are left out. */
export function toEntities<T extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<T>,
  rows: Record<string, unknown>[],
): T[] {
  const metadata = manager.connection.getMetadata(entity);
  return rows.map((row) => {
    const instance = metadata.create() as Record<string, unknown>;
    for (const column of metadata.columns) {
      if (column.databaseName in row) instance[column.propertyName] = row[column.databaseName];
    }
    return instance as T;
  });
}
