import type { EntityMetadata } from 'typeorm';
import { problem, ProblemDetails } from '../http/problem';

/** SQLSTATE unique_violation. */
const UNIQUE_VIOLATION = '23505';

/**
 * A unique violation (PostgreSQL 23505) as the 409 problem a use case's own check would give:
 * two requests that both passed a check-then-insert race to the unique index, and the loser
 * must learn the same thing as a later duplicate. The field is the violated constraint's
 * column, named as the API names it: the entity property mapped to that column (TypeORM
 * metadata), else the column in camelCase (the convention). The value is not echoed.
 * Returns undefined for any other error.
 */
export function uniqueViolationProblem(
  error: unknown,
  entities: readonly EntityMetadata[],
): ProblemDetails | undefined {
  const driverError = (error as { driverError?: unknown } | undefined)?.driverError ?? error;
  const { code, table, detail } = (driverError ?? {}) as {
    code?: unknown;
    table?: unknown;
    detail?: unknown;
  };
  if (code !== UNIQUE_VIOLATION) return undefined;
  const entity = entities.find((metadata) => metadata.tableName === table);
  // PostgreSQL's detail: `Key (uai)=(0381758E) already exists.`, `Key (a, b)=(x, y) ...`.
  const columns =
    typeof detail === 'string'
      ? (/^Key \((.+?)\)=/
          .exec(detail)?.[1]
          .split(',')
          .map((column) => column.trim().replace(/^"|"$/g, '')) ?? [])
      : [];
  const fields = columns.map(
    (column) =>
      entity?.columns.find((metadata) => metadata.databaseName === column)?.propertyName ??
      camelCase(column),
  );
  const what = entity ? lowerFirst(entity.name) : 'record';
  if (fields.length === 0) return problem(409, `This ${what} is already registered`);
  return problem(409, `A ${what} with this ${fields.join(' and ')} is already registered`, {
    errors: fields.map((field) => ({ field, messages: ['already registered'] })),
  });
}

function camelCase(column: string): string {
  return column.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
