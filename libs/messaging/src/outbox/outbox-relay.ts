import { Logger } from '@nestjs/common';
import { Kafka, Message, Partitioners, Producer, TopicMessages } from 'kafkajs';
import type { Pool, PoolClient, QueryResult } from 'pg';
import type { DataSource } from 'typeorm';
import { connectEventProducer } from '../kafka/client';
import { OUTBOX_CHANNEL } from '../migrations';
import { MessagingMetrics } from '../metrics';
import { MAX_RECORD_BYTES, OUTBOX_SHARDS, recordBytes } from './outbox';
import {
  BatchOutcome,
  describeError,
  finishingStatement,
  keyOf,
  OutboxRow,
  refusal,
} from './relay-outcome';

export interface OutboxRelayOptions {
  /** Prepended to every logical topic name. */
  prefix: string;
  /** Rows published per transaction. */
  batchSize?: number;
  /** Longest wait for a NOTIFY before looking again (a safety net, not the normal path). */
  idleWaitMs?: number;
  /** Sent rows and inbox entries older than this are deleted. */
  retentionMs?: number;
  /**
   * A refused row is parked after `MAX_PUBLISH_ATTEMPTS` refusals spread over at least this long
   * (default 30 s): a broker that has just restarted may say for a few seconds that it does not
   * know a topic it has.
   */
  parkAfterMs?: number;
}

/** Arbitrary constant: the advisory-lock namespace of the outbox shards. */
export const LOCK_NAMESPACE = 7_340_032;

/** How often the backlog gauge is counted and old rows are deleted. */
const HOUSEKEEPING_MS = 5000;

/** Refusals of a row itself (not of the broker's state) before it is parked (and `parkAfterMs`). */
export const MAX_PUBLISH_ATTEMPTS = 3;

/** Pause after a batch in which the broker refused rows, before they are tried again. */
const REFUSAL_PAUSE_MS = 500;

/** How long a topic refused as a whole (missing, forbidden) is kept out of the batch's send. */
const REFUSED_TOPIC_MS = 60_000;

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
  private readonly parkAfterMs: number;
  private producer: Producer | undefined;
  /** Sends of the rows a refusal is looked for in: few retries, so that a missing topic fails fast. */
  private probe: Producer | undefined;
  /** Topics the broker refused as a whole lately: their rows go straight to the probe. */
  private readonly refusedTopics = new Map<string, number>();
  /** Rows whose record the broker refused, not parked yet: their keys go straight to the probe. */
  private readonly refusedRows = new Set<string>();
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
    this.parkAfterMs = options.parkAfterMs ?? 30_000;
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
    await this.probe?.disconnect();
    this.probe = undefined;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping) {
      try {
        await this.listen();
        const { published, refused } = await this.relayBatch();
        if (failures > 0) this.logger.log('Outbox relay publishing again');
        failures = 0;
        this.lastError = '';
        await this.housekeeping();
        // Refused rows are tried again after a pause, not at once (the others went out).
        if (refused > 0) await new Promise((done) => setTimeout(done, REFUSAL_PAUSE_MS));
        else if (published < this.batchSize) await this.waitForWork(this.idleWaitMs);
      } catch (error) {
        failures++;
        this.report(error);
        // A producer that failed may hold a broken connection or sequence state: start afresh.
        await this.producer
          ?.disconnect()
          .catch((disconnectError: unknown) => this.report(disconnectError));
        this.producer = undefined;
        await this.probe
          ?.disconnect()
          .catch((disconnectError: unknown) => this.report(disconnectError));
        this.probe = undefined;
        await this.waitForWork(Math.min(5000, 100 * 2 ** failures));
      }
    }
  }

  /** One batch (see `relayBatch`); returns the number of rows published. */
  async publishBatch(): Promise<number> {
    return (await this.relayBatch()).published;
  }

  /**
   * One transaction in two round trips (each costs a system call on both sides, which is most of
   * the relay's CPU at a steady rate): lock the free shards and read, then send, then mark sent
   * and commit. A row the broker refuses (topic missing or forbidden, record too large) is
   * charged an attempt and, after `MAX_PUBLISH_ATTEMPTS`, parked with the refusal; the other
   * rows go out. A key with a parked row is held: its later rows are parked behind it, in order.
   */
  async relayBatch(): Promise<{ published: number; refused: number }> {
    const producer = await this.connectedProducer();
    // Rows committed before this point are seen by the SELECT below.
    this.notified = false;
    const client = await this.pool().connect();
    let outcome: BatchOutcome;
    try {
      // Simple-protocol statements, so that several go in one round trip: every value in them is
      // a number of ours.
      // - synchronous_commit off: if the stamping commit is lost in a crash, the rows are
      //   published again and the consumers' inbox drops the copies (saves an fsync).
      // - Always the ordered scan of the unsent index, stopping at the limit. The planner
      //   otherwise picks a bitmap scan, which visits every row sent since the last vacuum (their
      //   index entries are dead but still there, 1-5 ms per batch after 20,000 sends): an index
      //   scan marks those entries dead as it passes, so the next scans skip them.
      // - held: whether the row's key has a parked row; looked up per row only when some row of
      //   the outbox is parked (a one-time probe of the parked index otherwise).
      const results = (await client.query(
        `BEGIN;
         SET LOCAL synchronous_commit = off;
         SET LOCAL enable_bitmapscan = off;
         SET LOCAL enable_seqscan = off;
         SELECT id, topic, key, headers, value, attempts,
                extract(epoch FROM clock_timestamp() - refused_at) * 1000 AS refused_for_ms,
                CASE WHEN (SELECT EXISTS (SELECT 1 FROM messaging_outbox WHERE parked_at IS NOT NULL))
                     THEN EXISTS (SELECT 1 FROM messaging_outbox parked WHERE parked.parked_at IS NOT NULL
                                  AND parked.topic = o.topic AND parked.key = o.key)
                     ELSE false END AS held
         FROM messaging_outbox o
         WHERE sent_at IS NULL AND parked_at IS NULL
           AND shard = ANY(array(SELECT s FROM generate_series(0, ${OUTBOX_SHARDS - 1}) AS s
                                 WHERE pg_try_advisory_xact_lock(${LOCK_NAMESPACE}, s)))
         ORDER BY id LIMIT ${Math.trunc(this.batchSize)} FOR UPDATE OF o SKIP LOCKED`,
      )) as unknown as QueryResult<OutboxRow>[];
      const read = results[results.length - 1].rows;
      const rows = withinSendLimit(read);
      // The rows left out stay unsent (and locked until the commit): look again at once.
      if (rows.length < read.length) this.notified = true;
      outcome = await this.send(producer, rows);
      await client.query(finishingStatement(outcome, (row) => this.parks(row)));
    } catch (error) {
      // A connection that cannot even roll back is broken: the pool drops it.
      await client.query('ROLLBACK').then(
        () => client.release(),
        () => client.release(error as Error),
      );
      throw error;
    }
    client.release();
    for (const row of outcome.sent) this.metrics.published.inc({ topic: row.topic });
    const parked = [...outcome.refused.filter(({ row }) => this.parks(row)), ...outcome.behind];
    for (const { row } of parked) this.metrics.outboxParked.inc({ topic: row.topic });
    for (const { row, error } of outcome.refused)
      this.logger.warn(
        `Outbox row ${row.id} (${row.topic}, key ${row.key}) refused by the broker (attempt ${row.attempts + 1})${this.parks(row) ? ', parked' : ''}: ${error}`,
      );
    return { published: outcome.sent.length, refused: outcome.refused.length };
  }

  /**
   * Sends the rows in one batch, the fast path. When the broker refuses it (or some of its topics
   * were refused lately), sends each topic's rows on their own, and a topic whose records are
   * refused row by row (in id order, a key stopping at its first refusal): what the broker takes
   * goes out, what it refuses is charged. An error of the broker's state is thrown as it is.
   */
  private async send(producer: Producer, rows: OutboxRow[]): Promise<BatchOutcome> {
    const outcome: BatchOutcome = { sent: [], refused: [], behind: [] };
    for (const row of rows) if (row.held) outcome.behind.push({ row, parkedId: undefined });
    const toSend = rows.filter((row) => !row.held);
    const now = Date.now();
    for (const [topic, until] of this.refusedTopics)
      if (until < now) this.refusedTopics.delete(topic);
    // Keys with a refused record, and topics refused lately, stay out of the fast send: the rest
    // of the batch goes out at once while they are tried apart.
    const refusedKeys = new Set(
      toSend.filter((row) => this.refusedRows.has(row.id)).map((row) => keyOf(row)),
    );
    const suspect = (row: OutboxRow) =>
      this.refusedTopics.has(row.topic) || refusedKeys.has(keyOf(row));
    const fast = toSend.filter((row) => !suspect(row));
    let suspects = toSend.filter(suspect);
    if (fast.length > 0) {
      try {
        await producer.sendBatch({ topicMessages: this.toTopicMessages(fast), acks: -1 });
        outcome.sent.push(...fast);
      } catch (error) {
        if (!refusal(error)) throw error;
        suspects = toSend;
      }
    }
    if (suspects.length === 0) return outcome;
    await this.sendApart(suspects, outcome);
    // A row parked now holds the rows of its key that follow it in the batch (the row-by-row
    // sends left them unsent): parked behind it, in order.
    const parkedNow = new Map<string, bigint>();
    for (const { row } of outcome.refused) {
      const first = parkedNow.get(keyOf(row));
      if (this.parks(row) && (first === undefined || BigInt(row.id) < first))
        parkedNow.set(keyOf(row), BigInt(row.id));
    }
    for (const row of outcome.sent) this.refusedRows.delete(row.id);
    for (const { row } of outcome.refused)
      if (this.parks(row)) this.refusedRows.delete(row.id);
      else this.refusedRows.add(row.id);
    const done = new Set([...outcome.sent, ...outcome.refused.map(({ row }) => row)]);
    for (const row of suspects) {
      const parkedId = parkedNow.get(keyOf(row));
      if (!done.has(row) && parkedId !== undefined && parkedId < BigInt(row.id))
        outcome.behind.push({ row, parkedId: String(parkedId) });
    }
    return outcome;
  }

  /** Whether this refusal of the row parks it: enough of them, spread over `parkAfterMs`. */
  private parks(row: OutboxRow): boolean {
    return (
      row.attempts + 1 >= MAX_PUBLISH_ATTEMPTS &&
      row.refused_for_ms !== null &&
      Number(row.refused_for_ms) >= this.parkAfterMs
    );
  }

  /** Each topic's rows on their own (concurrently), then row by row where a record is refused. */
  private async sendApart(rows: OutboxRow[], outcome: BatchOutcome): Promise<void> {
    const probe = await this.connectedProbe();
    const byTopic = new Map<string, OutboxRow[]>();
    for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
    await Promise.all(
      [...byTopic.values()].map(async (topicRows) => {
        const topic = topicRows[0].topic;
        try {
          await probe.sendBatch({ topicMessages: this.toTopicMessages(topicRows), acks: -1 });
          this.refusedTopics.delete(topic);
          outcome.sent.push(...topicRows);
          return;
        } catch (error) {
          const kind = refusal(error);
          if (kind === 'topic') {
            this.refusedTopics.set(topic, Date.now() + REFUSED_TOPIC_MS);
            for (const row of topicRows) outcome.refused.push({ row, error: describeError(error) });
          }
          if (kind !== 'record') return;
        }
        const stopped = new Set<string>();
        for (const row of topicRows) {
          if (stopped.has(row.key)) continue;
          try {
            await probe.sendBatch({ topicMessages: this.toTopicMessages([row]), acks: -1 });
            outcome.sent.push(row);
          } catch (error) {
            stopped.add(row.key);
            if (refusal(error)) outcome.refused.push({ row, error: describeError(error) });
          }
        }
      }),
    );
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

  /**
   * The event producer's settings with one retry: a missing topic fails in a fraction of a second
   * instead of the ~20 s of the main producer's retries, which ride out a broker restart.
   */
  private async connectedProbe(): Promise<Producer> {
    if (this.probe) return this.probe;
    const probe = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 500 },
    });
    await probe.connect();
    this.probe = probe;
    return probe;
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

  /** Sets the backlog and parked gauges; one count at a time, a failure reported like the loop's. */
  private countBacklog(): void {
    this.backlogCount ??= this.dataSource
      .query(
        // Two counts, each on its partial index: a filter over `sent_at IS NULL` alone would
        // scan the day of sent rows the table keeps.
        `SELECT (SELECT count(*) FROM messaging_outbox
                  WHERE sent_at IS NULL AND parked_at IS NULL)::int AS backlog,
                (SELECT count(*) FROM messaging_outbox WHERE parked_at IS NOT NULL)::int AS parked`,
      )
      .then(([{ backlog, parked }]: { backlog: number; parked: number }[]) => {
        this.metrics.outboxBacklog.set(backlog);
        this.metrics.outboxParkedRows.set(parked);
      })
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
