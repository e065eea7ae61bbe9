import { HttpStatus } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { FindOptionsOrder, FindOptionsWhere, Repository } from 'typeorm';
import { ProblemException } from './problem';

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

/** The row with this id, or a 404 problem naming what was looked for. */
export async function findByIdOr404<T extends { id: string }>(
  repository: Repository<T>,
  id: string,
  what: string,
): Promise<T> {
  const row = await repository.findOneBy({ id } as FindOptionsWhere<T>);
  if (!row) throw new ProblemException(HttpStatus.NOT_FOUND, `No ${what} with id ${id}`);
  return row;
}
