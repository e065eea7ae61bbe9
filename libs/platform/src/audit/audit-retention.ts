import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { IsInt, Min } from 'class-validator';
import { Counter, Gauge } from 'prom-client';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/load-config';

export class AuditEnv {
  /**
   * Days an audit row is kept. 365 by default: the CNIL's recommendation on logging (2021) keeps
   * access traces six months to a year, and a year spans a school year of PFMP placements, the
   * period a family or a school may ask "who saw this file" about.
   */
  @IsInt()
  @Min(1)
  AUDIT_RETENTION_DAYS: number = 365;
}

const PURGE_EVERY_MS = 60 * 60 * 1000;
/** Not at start-up itself: a rollout's replicas start together and have other work then. */
const FIRST_PURGE_AFTER_MS = 60 * 1000;
/** Rows per DELETE: a year of backlog goes in short transactions, not one long lock. */
const PURGE_BATCH = 5_000;
/** Arbitrary constant, beside messaging's 7_340_032 and 7_340_033. */
const PURGE_LOCK_NAMESPACE = 7_340_034;

const purgedRows = new Counter({
  name: 'audit_log_purged_rows_total',
  help: 'Audit rows deleted because they outlived AUDIT_RETENTION_DAYS',
});
const lastPurge = new Gauge({
  name: 'audit_log_last_purge_timestamp_seconds',
  help: 'When this process last completed an audit retention purge (stale: the purge is failing)',
});

/**
 * Deletes audit rows older than the retention, hourly. Several replicas may run it at once: each
 * batch takes a transaction-scoped advisory lock, and a replica that finds it taken leaves this
 * round to the one holding it.
 */
@Injectable()
export class AuditRetention implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AuditRetention.name);
  private readonly retentionDays = loadConfig(AuditEnv).AUDIT_RETENTION_DAYS;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.schedule(FIRST_PURGE_AFTER_MS);
  }

  /** Stops the timer and lets a purge in progress finish while the database is still open. */
  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Deletes what outlived the retention; returns how many rows (0 if another replica is at it). */
  async purge(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.dataSource.transaction(async (manager) => {
        const [{ locked }] = await manager.query(
          `SELECT pg_try_advisory_xact_lock($1, 0) AS locked`,
          [PURGE_LOCK_NAMESPACE],
        );
        if (!locked) return 0;
        const [{ count }] = await manager.query(
          `WITH deleted AS (
             DELETE FROM audit_log WHERE id IN (
               SELECT id FROM audit_log WHERE occurred_at < now() - make_interval(days => $1) LIMIT $2)
             RETURNING 1)
           SELECT count(*)::int AS count FROM deleted`,
          [this.retentionDays, PURGE_BATCH],
        );
        return count as number;
      });
      total += deleted;
      purgedRows.inc(deleted);
      if (deleted < PURGE_BATCH) break;
    }
    lastPurge.setToCurrentTime();
    return total;
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.purge()
        .then((count) => {
          if (count > 0) this.logger.log(`audit retention: ${count} row(s) deleted`);
        })
        .catch((error: unknown) =>
          this.logger.warn(`audit retention purge failed: ${(error as Error).message}`),
        )
        .finally(() => {
          if (this.timer) this.schedule(PURGE_EVERY_MS);
        });
    }, delayMs);
    this.timer.unref();
  }
}
