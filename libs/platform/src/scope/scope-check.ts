import {
  EventSubscriber,
  type EntitySubscriberInterface,
  InsertEvent,
  LoadEvent,
  ObjectLiteral,
  RemoveEvent,
  UpdateEvent,
} from 'typeorm';
import { currentWorkContext, runInWorkContext } from '../context/request-context';
import { admits, scopeOver } from './caller-scope';
import { scopeColumnsOf } from './tenant-scoped';

/**
 * A row of a tenant entity was loaded or written outside the caller's scope by code that did
 * not go through a ScopedRepository: a bug, answered as a 500, never as the row.
 */
export class ScopeNotApplied extends Error {
  constructor(entity: string, action: string) {
    super(
      `A ${entity} outside the caller's scope was ${action}: the query did not apply the scope`,
    );
    this.name = 'ScopeNotApplied';
  }
}

/**
 * The safety net under ScopedRepository, registered on every service's DataSource: while a
 * request or an event runs for a caller, any tenant row TypeORM loads, inserts, updates or
 * removes as an entity must lie in the caller's scope. Raw SQL and bulk query-builder updates
 * carry no entity and are not seen here; they belong in ScopedRepository or the kit.
 */
@EventSubscriber()
export class ScopeCheck implements EntitySubscriberInterface {
  afterLoad(entity: ObjectLiteral, event?: LoadEvent<ObjectLiteral>): void {
    check(entity, event?.metadata.target, 'loaded');
  }

  beforeInsert(event: InsertEvent<ObjectLiteral>): void {
    check(event.entity, event.metadata.target, 'inserted');
  }

  beforeUpdate(event: UpdateEvent<ObjectLiteral>): void {
    if (event.databaseEntity) check(event.databaseEntity, event.metadata.target, 'updated');
    if (event.entity)
      check({ ...event.databaseEntity, ...event.entity }, event.metadata.target, 'updated');
  }

  beforeRemove(event: RemoveEvent<ObjectLiteral>): void {
    const row = event.databaseEntity ?? event.entity;
    if (row) check(row, event.metadata.target, 'removed');
  }
}

/**
 * Runs `work` with the scope check off, for the rare read that must see past the caller's scope
 * (e.g. offers across the academy's border); the reason says why, for the next reader.
 */
export function withoutScopeCheck<T>(reason: string, work: () => T): T {
  const context = currentWorkContext();
  if (!context) return work();
  return runInWorkContext({ ...context, scopeCheckSuspended: reason }, work);
}

function check(row: ObjectLiteral, target: unknown, action: string): void {
  const context = currentWorkContext();
  if (!context || context.scopeCheckSuspended) return;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  const entity = (typeof target === 'function' ? target : row.constructor) as Function;
  const columns = scopeColumnsOf(entity);
  if (!columns) return;
  // A partial select without any scope column cannot be judged here.
  if (Object.values(columns).every((property) => row[property as string] === undefined)) return;
  if (!admits(scopeOver(context.caller, columns), columns, row))
    throw new ScopeNotApplied(entity.name, action);
}
