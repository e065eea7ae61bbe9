import { Logger } from '@nestjs/common';
import { Kafka, Message, Producer, TopicMessages } from 'kafkajs';
import type { Pool, PoolClient, QueryResult } from 'pg';
import type { DataSource } from 'typeorm';
import { connectEventProducer } from '../kafka/client';
import { OUTBOX_CHANNEL } from '../migrations';
import { MessagingMetrics } from '../metrics';
import { MAX_RECORD_BYTES, OUTBOX_SHARDS, recordBytes } from './outbox';

export interface OutboxRelayOptions {
  /** Prepended to every logical topic name. */
  prefix: string;
  /** Rows published per transaction. */
  batchSize?: number;
  /** Longest wait for a NOTIFY before looking again (a safety net, not the normal path). */
  idleWaitMs?: number;
  /** Sent rows and inbox entries older than this are deleted. */
  retentionMs?: number;
}

/** Arbitrary constant: the advisory-lock namespace of the outbox shards. */
const LOCK_NAMESPACE = 7_340_032;

/** How often the backlog gauge is counted and old rows are deleted. */
const HOUSEKEEPING_MS = 5000;

interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: string | null;
}

/**
 * Publishes the outbox: locks the free shards (one relay per shard at a time keeps per-key order
 * across replicas), takes the oldest unsent rows FOR UPDATE SKIP LOCKED, sends them with an
 * idempotent producer and stamps them sent in the same transaction. A crash between the send and
 * the commit republishes those rows: at least once on the wire, the consumers' inbox dedupes.
 */
export class OutboxRelay {
  private readonly logger = new Logger('OutboxRelay');
  private readonly batchSize: number;
  private readonly idleWaitMs: number;
  private readonly retentionMs: number;
  private producer: Producer | undefined;
  private listener: { client: PoolClient; release(error?: Error): void } | undefined;
  private wake: (() => void) | undefined;
  /** Set by a NOTIFY that came while a batch was running, so that it is not missed. */
  private notified = false;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private lastHousekeeping = 0;
  private backlogTimer: NodeJS.Timeout | undefined;
  private backlogCount: Promise<void> | undefined;
  private lastError = '';

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: Kafka,
    private readonly options: OutboxRelayOptions,
    private readonly metrics: MessagingMetrics,
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.idleWaitMs = options.idleWaitMs ?? 500;
    this.retentionMs = options.retentionMs ?? 24 * 3600 * 1000;
  }

  start(): void {
    if (this.loop) return;
    this.stopping = false;
    // A timer of its own, not the loop's housekeeping: while the broker is down, one attempt to
    // send retries for ~20 s, and the gauge must show the rows piling up meanwhile.
    this.countBacklog();
    this.backlogTimer = setInterval(() => this.countBacklog(), HOUSEKEEPING_MS);
    this.loop = this.run();
  }

  /** Finishes the batch in flight, then disconnects. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
    clearInterval(this.backlogTimer);
    await this.backlogCount;
    await this.closeListener();
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.listen();
        const published = await this.publishBatch();
        if (failures > 0) this.logger.log('Outbox relay publishing again');
        failures = 0;
        this.lastError = '';
        await this.housekeeping();
        if (published < this.batchSize) await this.waitForWork(this.idleWaitMs);
      } catch (error) {
        failures++;
        this.report(error);
        // A producer that failed may hold a broken connection or sequence state: start afresh.
        await this.producer
          ?.disconnect()
          .catch((disconnectError: unknown) => this.report(disconnectError));
        this.producer = undefined;
        await this.waitForWork(Math.min(5000, 100 * 2 ** failures));
      }
    }
  }

  /**
   * One transaction in two round trips (each costs a system call on both sides, which is most of
   * the relay's CPU at a steady rate): lock the free shards and read, then send, then mark sent
   * and commit. Returns the number of rows published.
   */
  async publishBatch(): Promise<number> {
    const producer = await this.connectedProducer();
    // Rows committed before this point are seen by the SELECT below.
    this.notified = false;
    const client = await this.pool().connect();
    let rows: OutboxRow[];
    try {
      // Simple-protocol statements, so that several go in one round trip: every value in them is
      // a number of ours.
      // - synchronous_commit off: if the stamping commit is lost in a crash, the rows are
      //   published again and the consumers' inbox drops the copies (saves an fsync).
      // - Always the ordered scan of the unsent index, stopping at the limit. The planner
      //   otherwise picks a bitmap scan, which visits every row sent since the last vacuum (their
      //   index entries are dead but still there, 1-5 ms per batch after 20,000 sends): an index
      //   scan marks those entries dead as it passes, so the next scans skip them.
      const results = (await client.query(
        `BEGIN;
         SET LOCAL synchronous_commit = off;
         SET LOCAL enable_bitmapscan = off;
         SET LOCAL enable_seqscan = off;
         SELECT id, topic, key, headers, value FROM messaging_outbox
         WHERE sent_at IS NULL
           AND shard = ANY(array(SELECT s FROM generate_series(0, ${OUTBOX_SHARDS - 1}) AS s
                                 WHERE pg_try_advisory_xact_lock(${LOCK_NAMESPACE}, s)))
         ORDER BY id LIMIT ${Math.trunc(this.batchSize)} FOR UPDATE SKIP LOCKED`,
      )) as unknown as QueryResult<OutboxRow>[];
      const read = results[results.length - 1].rows;
      rows = withinSendLimit(read);
      // The rows left out stay unsent (and locked until the commit): look again at once.
      if (rows.length < read.length) this.notified = true;
      let finish = 'COMMIT';
      if (rows.length > 0) {
        await producer.sendBatch({ topicMessages: this.toTopicMessages(rows), acks: -1 });
        // ids are bigints read from the table; clock_timestamp(): when the broker acknowledged.
        finish = `UPDATE messaging_outbox SET sent_at = clock_timestamp()
                  WHERE id = ANY('{${rows.map((row) => BigInt(row.id)).join(',')}}'::bigint[]);
                  COMMIT`;
      }
      await client.query(finish);
    } catch (error) {
      // A connection that cannot even roll back is broken: the pool drops it.
      await client.query('ROLLBACK').then(
        () => client.release(),
        () => client.release(error as Error),
      );
      throw error;
    }
    client.release();
    for (const row of rows) this.metrics.published.inc({ topic: row.topic });
    return rows.length;
  }

  private pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  private toTopicMessages(rows: OutboxRow[]): TopicMessages[] {
    // Rows keep their id order within each topic, hence within each key.
    const byTopic = new Map<string, Message[]>();
    for (const row of rows) {
      const topic = `${this.options.prefix}${row.topic}`;
      const messages = byTopic.get(topic) ?? [];
      messages.push({ key: row.key, value: row.value, headers: row.headers });
      byTopic.set(topic, messages);
    }
    return [...byTopic].map(([topic, messages]) => ({ topic, messages }));
  }

  private async connectedProducer(): Promise<Producer> {
    if (this.producer) return this.producer;
    this.producer = await connectEventProducer(this.kafka);
    return this.producer;
  }

  /** A pooled connection kept for LISTEN: a commit with outbox rows wakes the relay at once. */
  private async listen(): Promise<void> {
    if (this.listener) return;
    const client = await this.pool().connect();
    const onNotification = () => {
      this.notified = true;
      this.wake?.();
    };
    // Once: an error during UNLISTEN, or later in the pool (the database dropping its idle
    // connections), must not release the client a second time.
    let released = false;
    const release = (error?: Error) => {
      if (released) return;
      released = true;
      client.off('notification', onNotification);
      client.off('error', onError);
      if (this.listener?.client === client) this.listener = undefined;
      client.release(error);
    };
    const onError = (error: Error) => {
      this.report(error);
      release(error);
    };
    client.on('notification', onNotification);
    client.on('error', onError);
    try {
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      release(error as Error);
      throw error;
    }
    this.listener = { client, release };
  }

  private async closeListener(): Promise<void> {
    const listener = this.listener;
    if (!listener) return;
    try {
      await listener.client.query(`UNLISTEN ${OUTBOX_CHANNEL}`);
      listener.release();
    } catch (error) {
      listener.release(error as Error);
    }
  }

  private waitForWork(ms: number): Promise<void> {
    if (this.stopping || this.notified) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(finish, ms);
      this.wake = finish;
    });
  }

  /** Every few seconds: deletion of old sent rows and inbox entries. */
  private async housekeeping(): Promise<void> {
    const now = Date.now();
    if (now - this.lastHousekeeping < HOUSEKEEPING_MS) return;
    this.lastHousekeeping = now;
    const before = new Date(now - this.retentionMs);
    await this.dataSource.query(
      `DELETE FROM messaging_outbox WHERE id IN (SELECT id FROM messaging_outbox WHERE sent_at < $1 LIMIT 10000)`,
      [before],
    );
    // Kafka keeps events 7 days by default: a redelivery older than 30 days cannot happen.
    await this.dataSource.query(`DELETE FROM messaging_inbox WHERE handled_at < $1`, [
      new Date(now - Math.max(this.retentionMs, 30 * 24 * 3600 * 1000)),
    ]);
  }

  /** Sets the backlog gauge; one count at a time, a failure reported like the loop's. */
  private countBacklog(): void {
    this.backlogCount ??= this.dataSource
      .query(`SELECT count(*)::int AS count FROM messaging_outbox WHERE sent_at IS NULL`)
      .then(([{ count }]: { count: number }[]) => this.metrics.outboxBacklog.set(count))
      .catch((error: unknown) => this.report(error))
      .finally(() => {
        this.backlogCount = undefined;
      });
  }

  /** While the broker is down every attempt fails the same way: say it once, not every 100 ms. */
  private report(error: unknown): void {
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (text === this.lastError) return;
    this.lastError = text;
    this.logger.warn(`Outbox relay: ${text} (will retry)`);
  }
}

/**
 * The first rows, in id order, that fit in one send the broker accepts (always one at least):
 * kafkajs puts all of a partition's records in one record batch, which the broker refuses as a
 * whole beyond its message size limit, so that every retry would fail the same way.
 */
function withinSendLimit(rows: OutboxRow[]): OutboxRow[] {
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    bytes += recordBytes(rows[i]);
    if (bytes > MAX_RECORD_BYTES && i > 0) return rows.slice(0, i);
  }
  return rows;
}
