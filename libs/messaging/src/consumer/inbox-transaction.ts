// Runs handlers inside the inbox transaction, each within the handler timeout: an effect is
// stored together with its event's inbox row, so a redelivered event has no second effect.
import { Logger } from '@nestjs/common';
import { isDataDatabaseError, isTransientDatabaseError } from '@tremplin/platform';
import type { KafkaMessage } from 'kafkajs';
import type { Client as PgClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { MessagingMetrics } from '../metrics';

/** Attempts at a chunk whose handler hit a database connection error before it counts as the handler's failure. */
const IN_PLACE_ATTEMPTS = 5;

/**
 * One handler's effect for an event or a tombstone: recorded in the inbox under its own
 * (id, handler), so that each handler of an event is applied, retried and deduplicated apart.
 */
export interface Work {
  /** Inbox id: the CloudEvents id; for a tombstone, where it was first read. */
  id: string;
  /** The handler's name: the rest of the inbox key, and the x-handler of its retries. */
  handler: string;
  /** The event type, or `tombstone` (inbox, metrics). */
  type: string;
  /** Logical topic the record was first published on. */
  topic: string;
  message: KafkaMessage;
  /** Names the record in logs and dead-letter reasons. */
  label: string;
  /** The effect, run in the transaction of its inbox row; `tier` is the attempt it sees. */
  run(manager: EntityManager, tier: number): Promise<void>;
}

/**
 * The event failed (a handler threw or timed out, or the database refused its inbox row or its
 * commit): it goes to a retry tier. Anything else (database down) is retried in place.
 */
export class HandlerFailure extends Error {
  constructor(
    readonly handlerName: string,
    readonly original: unknown,
  ) {
    super(`${handlerName}: ${original instanceof Error ? original.message : String(original)}`);
  }
}

export interface InboxTransactionOptions {
  /** The consumer group: the inbox rows are its own. */
  groupId: string;
  handlerTimeoutMs: number;
}

export class InboxTransaction {
  constructor(
    private readonly dataSource: DataSource,
    private readonly options: InboxTransactionOptions,
    private readonly metrics: MessagingMetrics,
    private readonly logger: Logger,
  ) {}

  /**
   * Fast path: the whole chunk in one transaction; if a handler throws, one transaction per
   * handler and event, so that a failing handler rolls back no other handler's effect.
   * Returns the work that failed; any other error (database down) is thrown, to retry in place.
   * `attempt`: in-place attempts at this chunk so far, counting this one.
   */
  async run(
    work: Work[],
    tier: number,
    attempt: number,
  ): Promise<{ item: Work; error: HandlerFailure }[]> {
    try {
      await this.transaction(work, tier, attempt);
      return [];
    } catch (error) {
      if (!(error instanceof HandlerFailure)) throw error;
    }
    const failures: { item: Work; error: HandlerFailure }[] = [];
    for (const item of work) {
      try {
        await this.transaction([item], tier, attempt);
      } catch (error) {
        if (!(error instanceof HandlerFailure)) throw error;
        this.logger.warn(`${item.label} failed (attempt ${tier + 1}): ${error.message}`);
        failures.push({ item, error });
      }
    }
    return failures;
  }

  private async transaction(items: Work[], tier: number, attempt: number): Promise<void> {
    const outcomes: { item: Work; duplicate: boolean; seconds: number }[] = [];
    try {
      await this.dataSource.transaction(async (manager) => {
        outcomes.length = 0;
        // One statement records the whole chunk in the inbox, a row per event and handler; the
        // rows it did not insert were handled before (or appear twice in the chunk), as were
        // events with a row of every handler (`*`, from before the inbox was per handler):
        // those have no second effect.
        // It also sets the statement timeout (SET LOCAL, same round trip): a query hung past the
        // handler timeout is cancelled, so the ROLLBACK behind it on this connection can run.
        const inserted: { event_id: string; handler: string }[] = await manager.query(
          `INSERT INTO messaging_inbox (consumer, event_id, handler, type)
           SELECT $1, event_id, handler, type
           FROM unnest($2::text[], $3::text[], $4::text[]) AS incoming(event_id, handler, type),
                (SELECT set_config('statement_timeout', $5, true)) AS timeout
           WHERE NOT EXISTS (SELECT 1 FROM messaging_inbox every
                             WHERE every.consumer = $1 AND every.event_id = incoming.event_id
                               AND every.handler = '*')
           ON CONFLICT DO NOTHING RETURNING event_id, handler`,
          [
            this.options.groupId,
            items.map((item) => item.id),
            items.map((item) => item.handler),
            items.map((item) => item.type),
            String(this.options.handlerTimeoutMs),
          ],
        );
        const fresh = new Set(inserted.map((row) => `${row.handler} ${row.event_id}`));
        for (const item of items) {
          const duplicate = !fresh.delete(`${item.handler} ${item.id}`);
          const started = process.hrtime.bigint();
          if (!duplicate) {
            try {
              await withTimeout(item.run(manager, tier), this.options.handlerTimeoutMs);
            } catch (error) {
              // The run left behind still holds this transaction's connection: closed, so that
              // nothing it sends later lands after the rollback or in another borrower's work.
              if (error instanceof HandlerTimedOut) abandonConnection(manager);
              // A lost connection says nothing about the record: the lane retries the chunk in
              // place (order kept), a few times, lest a handler's own bug look like one forever.
              if (attempt < IN_PLACE_ATTEMPTS && isTransientDatabaseError(error)) throw error;
              throw new HandlerFailure(item.handler, error);
            }
          }
          outcomes.push({
            item,
            duplicate,
            seconds: Number(process.hrtime.bigint() - started) / 1e9,
          });
        }
      });
    } catch (error) {
      // The inbox insert or the commit refused these events' values (a deferred constraint, a
      // byte PostgreSQL cannot store): retried in place they would block their partition
      // forever, so they take the failure path. Any other error (connection lost, a table
      // missing after a forgotten migration) is not theirs: retried in place, nothing is parked.
      if (!(error instanceof HandlerFailure) && isDataDatabaseError(error))
        throw new HandlerFailure('transaction', error);
      throw error;
    }
    for (const { item, duplicate, seconds } of outcomes) {
      this.metrics.consumed.inc({
        topic: item.topic,
        type: item.type,
        outcome: duplicate ? 'duplicate' : 'handled',
      });
      if (!duplicate) this.metrics.handlerDuration.observe({ type: item.type }, seconds);
    }
  }
}

class HandlerTimedOut extends Error {}

/** The run's result, or a failure once `ms` have passed (the run itself cannot be stopped: it is left behind). */
async function withTimeout<T>(run: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new HandlerTimedOut(`no result after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([run, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Ends the transaction's pg client: its rollback then fails harmlessly, the pool drops it rather
 * than lend it again, and whatever the abandoned run sends is refused.
 */
function abandonConnection(manager: EntityManager): void {
  const client = (manager.queryRunner as { databaseConnection?: PgClient } | undefined)
    ?.databaseConnection;
  client?.end().catch(() => undefined);
}
