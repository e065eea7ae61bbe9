import { applyDecorators, Type as ClassType } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { FindOptionsOrder, FindOptionsWhere, Repository } from 'typeorm';
import { NotFound } from '../use-cases/domain-errors';

/** `?offset=&limit=` on every list endpoint. */
export class PageQuery {
  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @Type(() => Number)
  @IsInt()
  @Min(0)
  offset = 0;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 500 })
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit = 50;
}

export interface Page<T> {
  items: T[];
  total: number;
  offset: number;
  limit: number;
}

/** Documents a list route's answer in OpenAPI: a Page of `view` (clients are generated from it). */
export function ApiPageResponse(view: ClassType<unknown>) {
  return applyDecorators(
    ApiExtraModels(view),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: ['items', 'total', 'offset', 'limit'],
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(view) } },
          total: { type: 'integer' },
          offset: { type: 'integer' },
          limit: { type: 'integer' },
        },
      },
    }),
  );
}

/** One page of a table, oldest first (ties broken by id so pages never overlap). */
export async function findPage<T extends { id: string; createdAt: Date }>(
  repository: Repository<T>,
  query: PageQuery,
  where?: FindOptionsWhere<T>,
): Promise<Page<T>> {
  const [items, total] = await repository.findAndCount({
    where,
    order: { createdAt: 'ASC', id: 'ASC' } as FindOptionsOrder<T>,
    skip: query.offset,
    take: query.limit,
  });
  return { items, total, offset: query.offset, limit: query.limit };
}

/** A page of rows as a page of views. */
export function mapPage<T, V>(page: Page<T>, toView: (row: T) => V): Page<V> {
  return { ...page, items: page.items.map(toView) };
}

/** The row with this id, or NotFound naming what was looked for. */
export async function findByIdOrNotFound<T extends { id: string }>(
  repository: Repository<T>,
  id: string,
  what: string,
): Promise<T> {
  const row = await repository.findOneBy({ id } as FindOptionsWhere<T>);
  if (!row) throw new NotFound(what, id);
  return row;
}
