import { randomBytes } from 'node:crypto';
import {
  Brackets,
  EntityManager,
  EntityTarget,
  FindOptionsOrder,
  FindOptionsWhere,
  ObjectLiteral,
  SelectQueryBuilder,
  WhereExpressionBuilder,
} from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Caller } from '../auth/roles';
import type { Page, PageQuery } from '../http/pagination';
import { NotAllowed, NotFound } from '../use-cases/domain-errors';
import type { UseCaseContext } from '../use-cases/use-case';
import { admits, EntityScope, scopeOver } from './caller-scope';
import { DeclaredScopeColumns, scopeColumnsOf } from './tenant-scoped';

type Where<T> = FindOptionsWhere<T> | FindOptionsWhere<T>[];

/**
 * The rows of one tenant entity that the caller may see, and the only door to them a use case
 * or a query needs: every read is limited to the caller's scope in SQL, a row outside it is
 * NotFound (its existence is not disclosed), and a write outside it changes nothing.
 */
export class ScopedRepository<T extends ObjectLiteral & { id: string }> {
  private readonly columns: DeclaredScopeColumns;
  private readonly scope: EntityScope;
  /** Unguessable, so that no parameter a use case sets on a scoped query replaces the scope's. */
  private readonly parameterPrefix = `scope_${randomBytes(4).toString('hex')}_`;

  constructor(
    private readonly manager: EntityManager,
    readonly caller: Caller,
    private readonly entity: EntityTarget<T> & (abstract new () => T),
    /** How errors name a row of it, e.g. "school". */
    private readonly what: string,
  ) {
    const columns = scopeColumnsOf(entity);
    if (!columns) throw new Error(`${entity.name} is not @TenantScoped`);
    this.columns = columns;
    this.scope = scopeOver(caller, columns);
  }

  /**
   * A query builder already limited to the scope. Add conditions with andWhere: where() would
   * replace the scope's condition, so it throws.
   */
  createQueryBuilder(alias: string): SelectQueryBuilder<T> {
    const query = this.manager.createQueryBuilder(this.entity, alias);
    this.limit(query, alias);
    // Each would drop or widen the scope's condition: where() replaces it, or*() ORs beside it.
    for (const method of ['where', 'orWhere', 'orWhereInIds', 'orWhereExists'])
      Object.defineProperty(query, method, {
        value: () => {
          throw new Error(
            `A scoped query takes andWhere(): ${method}() would drop the caller’s scope`,
          );
        },
      });
    return query;
  }

  find(where?: Where<T>, order?: FindOptionsOrder<T>): Promise<T[]> {
    return this.query(where, order).getMany();
  }

  findOneBy(where: Where<T>): Promise<T | null> {
    return this.query(where).getOne();
  }

  /** The row with this id, or NotFound whether it does not exist or lies outside the scope. */
  async getById(id: string): Promise<T> {
    const row = await this.findOneBy({ id } as FindOptionsWhere<T>);
    if (!row) throw new NotFound(this.what, id);
    return row;
  }

  exists(where: Where<T>): Promise<boolean> {
    return this.query(where).getExists();
  }

  count(where?: Where<T>): Promise<number> {
    return this.query(where).getCount();
  }

  /** One page, oldest first (ties broken by id, so pages never overlap). */
  async page(query: PageQuery, where?: Where<T>): Promise<Page<T>> {
    const [items, total] = await this.query(where, { createdAt: 'ASC', id: 'ASC' } as never)
      .skip(query.offset)
      .take(query.limit)
      .getManyAndCount();
    return { items, total, offset: query.offset, limit: query.limit };
  }

  /**
   * Saves a new row, refused (NotAllowed) if it would lie outside the caller's scope. An INSERT,
   * never an upsert: values naming an existing row's id fail on its key instead of replacing it.
   */
  async insert(values: Partial<T>): Promise<T> {
    this.assertAdmits(values);
    const row = this.manager.create(this.entity, values as never);
    await this.manager.insert(this.entity, row as never);
    return row;
  }

  /**
   * Changes the row with this id if it lies in the scope (else NotFound, and nothing changes);
   * a scope column (academy, UAI, SIRET...) does not change (NotAllowed).
   */
  async update(id: string, changes: QueryDeepPartialEntity<T>): Promise<T> {
    const row = await this.getById(id);
    // A scope column names whose the row is: it does not change, even within the caller's scope
    // (a company's user would otherwise move its offers to another academy's office).
    for (const property of Object.values(this.columns))
      if (property in changes && (changes as Record<string, unknown>)[property] !== row[property])
        throw new NotAllowed(`The ${property} of a ${this.what} does not change`);
    const updated = this.manager
      .createQueryBuilder()
      .update(this.entity)
      .set(changes)
      .where('id = :id', { id });
    this.limit(updated, undefined);
    if (!(await updated.execute()).affected) throw new NotFound(this.what, id);
    return this.getById(id);
  }

  /** Deletes the row with this id if it lies in the scope, else NotFound. */
  async delete(id: string): Promise<void> {
    const deleted = await this.manager
      .createQueryBuilder()
      .delete()
      .from(this.entity)
      .where('id = :id', { id })
      .andWhere(
        new Brackets((query) => {
          this.limit(query, undefined);
        }),
      )
      .execute();
    if (!deleted.affected) throw new NotFound(this.what, id);
  }

  private query(where?: Where<T>, order?: FindOptionsOrder<T>): SelectQueryBuilder<T> {
    const query = this.manager.createQueryBuilder(this.entity, 'scoped');
    if (where || order) query.setFindOptions({ where, order });
    this.limit(query, 'scoped');
    return query;
  }

  private assertAdmits(row: Partial<T>): void {
    if (!admits(this.scope, this.columns, row as Record<string, unknown>))
      throw new NotAllowed(`You may not create a ${this.what} outside your scope`);
  }

  /** ANDs the scope's condition to a query; `alias` undefined in DELETE (no alias there). */
  private limit(query: WhereExpressionBuilder, alias: string | undefined): void {
    const scope = this.scope;
    if (scope.kind === 'all') return;
    if (scope.kind === 'none') {
      query.andWhere('1 = 0');
      return;
    }
    const metadata = this.manager.connection.getMetadata(this.entity);
    const column = (property: string) => {
      const name = metadata.findColumnWithPropertyName(property)?.databaseName;
      if (!name) throw new Error(`${metadata.name} has no column ${property} to scope by`);
      return alias === undefined ? `"${name}"` : `"${alias}"."${name}"`;
    };
    query.andWhere(
      new Brackets((anyClause) => {
        scope.clauses.forEach((clause, index) =>
          anyClause.orWhere(
            new Brackets((everyDimension) => {
              for (const [dimension, values] of Object.entries(clause)) {
                const name = `${this.parameterPrefix}${index}_${dimension}`;
                const target = column(this.columns[dimension as keyof typeof clause] ?? '');
                everyDimension.andWhere(
                  dimension === 'company'
                    ? `(${target} = ANY(:${name}) OR left(${target}, 9) = ANY(:${name}))`
                    : `${target} = ANY(:${name})`,
                  { [name]: values },
                );
              }
            }),
          ),
        );
      }),
    );
  }
}

/**
 * The caller's door to a tenant entity, from the context a use case or a query runs in:
 * `const schools = scopedRepository(context, School, 'school')`.
 */
export function scopedRepository<T extends ObjectLiteral & { id: string }>(
  { manager, caller }: UseCaseContext,
  entity: EntityTarget<T> & (abstract new () => T),
  what: string,
): ScopedRepository<T> {
  return new ScopedRepository(manager, caller, entity, what);
}
