import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { Caller } from '../auth/roles';

/**
 * What a use case runs in: a transaction it is given and the caller it acts for. An HTTP
 * controller gets one from UseCaseRunner; an event handler's context is one already (its inbox
 * transaction, and the service itself as a system caller), so both doors run the same code.
 */
export interface UseCaseContext {
  /** Every read and write of the use case goes through it, outbox included. */
  readonly manager: EntityManager;
  readonly caller: Caller;
}

/** One thing a user (or an event) asks of a service: `RegisterSchool implements UseCase<…>`. */
export interface UseCase<Command, Result> {
  execute(command: Command, context: UseCaseContext): Promise<Result>;
}

/** Opens the transaction a use case runs in, for the HTTP door. */
@Injectable()
export class UseCaseRunner {
  constructor(private readonly dataSource: DataSource) {}

  run<Command, Result>(
    useCase: UseCase<Command, Result>,
    command: Command,
    caller: Caller,
  ): Promise<Result> {
    return this.dataSource.transaction((manager) => useCase.execute(command, { manager, caller }));
  }
}
