import { Logger } from '@nestjs/common';
import {
  CloudEventAttributes,
  IntegrationEvent,
  parseKafkaRecord,
  ServiceName,
} from '@tremplin/contracts';
import {
  Consumer,
  EachBatchPayload,
  IHeaders,
  Kafka,
  KafkaMessage,
  Message,
  Producer,
} from 'kafkajs';
import { isDataDatabaseError, isTransientDatabaseError } from '@tremplin/platform';
import type { Client as PgClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { connectEventProducer } from '../kafka/client';
import { deadLetterTopic, retryTopic } from '../kafka/topics';
import { MessagingMetrics } from '../metrics';
import { Outbox } from '../outbox/outbox';
import {
  EventSubscription,
  HandlerContext,
  subscribedTopic,
  Subscription,
  TombstoneSubscription,
} from './handler';

export interface EventConsumerOptions {
  service: ServiceName;
  prefix: string;
  /** Event handlers and tombstone handlers. */
  subscriptions: readonly Subscription[];
  /** Delay before each retry tier; after the last one the event is dead-lettered. */
  retryDelaysMs?: readonly number[];
  /** Events handled in one database transaction (the fast path). */
  chunkSize?: number;
  partitionsConsumedConcurrently?: number;
  /** Defaults to the service name; tests use several groups. */
  groupId?: string;
  /** Kafka group session timeout (default 30 s); heartbeats keep it alive during long handlers. */
  sessionTimeoutMs?: number;
  /**
   * A handler run lasting longer fails (retry tier, then dead-letter) instead of blocking its
   * partition; also the statement timeout of the consumer's transactions. Default 60 s.
   */
  handlerTimeoutMs?: number;
}

const COMMIT_INTERVAL_MS = 500;
/** Records of one partition handed over and not yet processed before eachBatch waits (back-pressure). */
const MAX_PENDING_PER_PARTITION = 1000;
/** Attempts at a chunk whose handler hit a database connection error before it counts as the handler's failure. */
const IN_PLACE_ATTEMPTS = 5;
/** First wait before starting again a consumer that kafkajs gave up on; doubled up to a minute. */
const RESTART_DELAY_MS = 1000;

/** Headers added to retried and dead-lettered records (the originals are kept). */
export const RETRY_HEADERS = {
  tier: 'x-retry-tier',
  dueAt: 'x-retry-due-at',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  error: 'x-error',
  reason: 'x-dead-letter-reason',
  consumer: 'x-consumer-group',
  failedAt: 'x-failed-at',
} as const;

/**
 * The event failed (a handler threw or timed out, or the database refused its inbox row or its
 * commit): it goes to a retry tier. Anything else (database down) is retried in place.
 */
class HandlerFailure extends Error {
  constructor(
    readonly handlerName: string,
    readonly original: unknown,
  ) {
    super(`${handlerName}: ${original instanceof Error ? original.message : String(original)}`);
  }
}

/** An event, or a tombstone, that handlers of this service have an effect for. */
interface Work {
  /** Inbox id: the CloudEvents id; for a tombstone, where it was first read. */
  id: string;
  /** The event type, or `tombstone` (inbox, metrics). */
  type: string;
  /** Logical topic the record was first published on. */
  topic: string;
  message: KafkaMessage;
  /** Names the record in logs and dead-letter reasons. */
  label: string;
  /** The effects, run in turn in the transaction of the inbox row; `tier` is the attempt they see. */
  effects: { name: string; run(manager: EntityManager, tier: number): Promise<void> }[];
}

interface Outgoing {
  topic: string;
  message: Message;
}

interface Offset {
  topic: string;
  partition: number;
  offset: string;
}

/** One partition's records, processed in offset order by one worker at a time. */
interface Lane {
  topic: string;
  partition: number;
  queue: Chunk[];
  /** Records handed over and not processed yet. */
  pending: number;
  /** Drains the queue; undefined while the lane is idle. */
  worker: Promise<void> | undefined;
  /** Latest high watermark fetched and next offset to process: the lag between them. */
  highWatermark?: bigint;
  next?: bigint;
}

interface Chunk {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  tier: number;
  /** Group generation when handed over: a chunk of an earlier one is skipped (redelivered). */
  generation: number;
}

/**
 * Runs a service's subscriptions. Each partition's records go, chunk by chunk and in order, to
 * its lane; per chunk: parse each record; write every effect together with its inbox row in one
 * transaction (falling back to one transaction per event when a handler fails); send failures to
 * the next retry tier and malformed records to the dead-letter topic; only then is the chunk's
 * offset committable. Lanes let kafkajs fetch the next records while the previous are being
 * written (its fetch loop otherwise waits for every batch of a fetch: most of the latency).
 */
export class EventConsumer {
  private readonly logger: Logger;
  private readonly groupId: string;
  private readonly retryDelaysMs: readonly number[];
  private readonly chunkSize: number;
  private readonly byType = new Map<string, EventSubscription[]>();
  /** Tombstone handlers by logical topic. */
  private readonly byTopic = new Map<string, TombstoneSubscription[]>();
  private readonly retryTiers = new Map<string, number>();
  private readonly handlerTimeoutMs: number;
  /** Resumes of paused retry tiers and a restart after a crash: cleared on stop. */
  private readonly timers = new Set<NodeJS.Timeout>();
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private readonly lanes = new Map<string, Lane>();
  /** Bumped at each rebalance: chunks handed over before it are not processed any more. */
  private generation = 0;
  /** Next offset to commit per `topic|partition`: everything before it has its effect stored. */
  private readonly processed = new Map<string, Offset>();
  private readonly committed = new Map<string, string>();
  private commits: Promise<void> = Promise.resolve();
  private lastCommitAt = 0;
  private commitTimer: NodeJS.Timeout | undefined;
  private draining = false;
  /** stop() was called: no restart after a crash. */
  private stopped = false;
  private crashed = false;
  /** Restarts after a crash since the group was last joined (the backoff grows with them). */
  private restarts = 0;
  private restarting: Promise<void> = Promise.resolve();
  /** Times this member joined its group (a rebalance after the first join means it was evicted or the group changed). */
  joins = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: Kafka,
    private readonly outbox: Outbox,
    private readonly options: EventConsumerOptions,
    private readonly metrics: MessagingMetrics,
  ) {
    this.groupId = options.prefix + (options.groupId ?? options.service);
    this.logger = new Logger(`EventConsumer:${this.groupId}`);
    this.retryDelaysMs = options.retryDelaysMs ?? [1000, 10_000, 60_000];
    this.chunkSize = options.chunkSize ?? 200;
    this.handlerTimeoutMs = options.handlerTimeoutMs ?? 60_000;
    for (const subscription of options.subscriptions)
      if ('eventClass' in subscription)
        add(this.byType, subscription.eventClass.type, subscription);
      else add(this.byTopic, subscription.topic.name, subscription);
    this.retryDelaysMs.forEach((_, index) =>
      this.retryTiers.set(retryTopic(options.prefix, options.service, index + 1), index + 1),
    );
  }

  /** The topics read: those of the subscribed events and tombstones, and this service's retry tiers. */
  topics(): string[] {
    const main = new Set(
      this.options.subscriptions.map(
        (subscription) => this.options.prefix + subscribedTopic(subscription).name,
      ),
    );
    return [...main, ...this.retryTiers.keys()];
  }

  /** False from a crash kafkajs does not restart from until this consumer is back in its group. */
  get healthy(): boolean {
    return !this.crashed;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.open();
  }

  /** Processes what was handed over to the lanes, commits it, then leaves the group. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.clearTimers(); // a pending restart must not fire while this one waits
    // A restart under way finishes first, lest it leave a consumer running after stop.
    await this.restarting;
    await this.close();
  }

  private async open(): Promise<void> {
    if (this.options.subscriptions.length === 0 || this.consumer) return;
    const sessionTimeout = this.options.sessionTimeoutMs ?? 30_000;
    const concurrency = this.options.partitionsConsumedConcurrently ?? 6;
    const producer = await connectEventProducer(this.kafka);
    const consumer = this.kafka.consumer({
      groupId: this.groupId,
      sessionTimeout,
      heartbeatInterval: Math.min(3000, Math.floor(sessionTimeout / 3)),
      allowAutoTopicCreation: false,
      // An idle fetch waits at most this long at the broker; new data answers it sooner.
      maxWaitTimeInMs: 100,
      retry: { initialRetryTime: 300, maxRetryTime: 10_000, retries: 10 },
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.logger.error(
        `Consumer crashed (${payload.restart ? 'kafkajs restarts it' : 'kafkajs gave up'}): ${payload.error.message}`,
      );
      // kafkajs stops for good after an error it deems not retriable: start a new consumer.
      if (!payload.restart && consumer === this.consumer) this.restartLater();
    });
    consumer.on(consumer.events.REBALANCING, () => this.newGeneration());
    consumer.on(consumer.events.GROUP_JOIN, () => {
      this.joins++;
      this.crashed = false;
      this.newGeneration();
    });
    try {
      await consumer.connect();
      // The connections of the lanes writing at once, opened now rather than in front of the first events.
      await Promise.all(
        Array.from({ length: concurrency }, () => this.dataSource.query('SELECT 1')),
      );
      // A new group starts from the beginning: events published before its first start are not lost.
      await consumer.subscribe({ topics: this.topics(), fromBeginning: true });
    } catch (error) {
      // The caller starts again later: leave no connection behind.
      await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
      throw error;
    }
    this.producer = producer;
    this.consumer = consumer;
    this.draining = false;
    this.commitTimer = setInterval(() => void this.commitProcessed(), COMMIT_INTERVAL_MS);
    await consumer.run({
      eachBatchAutoResolve: false,
      // kafkajs resolves what was handed over to a lane (so that it fetches on); only processed
      // offsets are committed, by commitProcessed.
      autoCommit: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  private async close(): Promise<void> {
    this.clearTimers();
    const consumer = this.consumer;
    if (consumer) {
      // No chunk is handed over from now on; the records not handed over are fetched again by the next member.
      this.draining = true;
      await Promise.all([...this.lanes.values()].map((lane) => lane.worker));
      clearInterval(this.commitTimer);
      await this.commitProcessed();
      await consumer.disconnect();
      if (this.consumer === consumer) this.consumer = undefined;
    }
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  /** After a backoff: drain and close what is left of the crashed consumer, then open a new one. */
  private restartLater(): void {
    if (this.stopped) return;
    this.crashed = true;
    const delay = Math.min(60_000, RESTART_DELAY_MS * 2 ** this.restarts++);
    this.logger.warn(`Restarting the consumer in ${delay} ms`);
    this.later(delay, () => {
      if (this.stopped) return;
      this.restarting = this.close()
        .then(() => (this.stopped ? undefined : this.open()))
        .then(
          () => this.logger.log('Consumer restarted'),
          (error: Error) => {
            this.logger.error(`Could not restart the consumer: ${error.message}`);
            this.restartLater();
          },
        );
    });
  }

  private later(delay: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delay);
    this.timers.add(timer);
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload;
    const tier = this.retryTiers.get(batch.topic) ?? 0;
    const lane = this.laneOf(batch.topic, batch.partition);
    lane.highWatermark = BigInt(batch.highWatermark);
    if (lane.pending === 0 && batch.messages.length > 0)
      lane.next = BigInt(batch.messages[0].offset);
    this.recordLag(lane);
    // Heartbeats go on while a long handler runs, so the group does not evict this member.
    const keepAlive = setInterval(() => {
      heartbeat().catch((error: Error) => this.logger.warn(`Heartbeat failed: ${error.message}`));
    }, 1000);
    try {
      let messages = batch.messages;
      while (messages.length > 0 && isRunning() && !isStale() && !this.draining) {
        let chunk = messages.slice(0, this.chunkSize);
        if (tier > 0) {
          const due = this.dueCount(chunk);
          if (due === 0) {
            this.pauseUntilDue(payload, chunk[0]);
            break;
          }
          chunk = chunk.slice(0, due);
        }
        this.handOver(lane, {
          topic: batch.topic,
          partition: batch.partition,
          messages: chunk,
          tier,
          generation: this.generation,
        });
        // A retry tier is read no further than what is due: its chunk is processed before the next is looked at.
        if (tier > 0) await lane.worker;
        resolveOffset(chunk[chunk.length - 1].offset);
        messages = messages.slice(chunk.length);
      }
      if (lane.pending > MAX_PENDING_PER_PARTITION) await lane.worker;
    } finally {
      clearInterval(keepAlive);
    }
  }

  private laneOf(topic: string, partition: number): Lane {
    const key = `${topic}|${partition}`;
    let lane = this.lanes.get(key);
    if (!lane)
      this.lanes.set(key, (lane = { topic, partition, queue: [], pending: 0, worker: undefined }));
    return lane;
  }

  private handOver(lane: Lane, chunk: Chunk): void {
    lane.queue.push(chunk);
    lane.pending += chunk.messages.length;
    if (!lane.worker) lane.worker = this.work(lane);
  }

  /**
   * Drains a lane. What queued up while a transaction ran goes into the next one (up to
   * chunkSize records): one transaction per event when idle, bigger ones under load.
   */
  private async work(lane: Lane): Promise<void> {
    while (lane.queue.length > 0) {
      const first = lane.queue.shift() as Chunk;
      const messages = [...first.messages];
      while (
        lane.queue.length > 0 &&
        lane.queue[0].generation === first.generation &&
        messages.length + lane.queue[0].messages.length <= this.chunkSize
      )
        messages.push(...(lane.queue.shift() as Chunk).messages);
      const processed = await this.processInLane({ ...first, messages });
      lane.pending -= messages.length;
      if (processed) {
        lane.next = BigInt(messages[messages.length - 1].offset) + 1n;
        this.recordLag(lane);
      }
      if (!processed && this.draining) {
        // Given up while stopping: what follows in this lane must not overtake it.
        lane.queue.length = 0;
        lane.pending = 0;
      }
    }
    // Checked and cleared in one step: a chunk handed over later starts a new worker.
    lane.worker = undefined;
  }

  /**
   * Processes a chunk, retrying while the database or the broker is unreachable (the lane
   * waits: order is kept); false if it was not processed. A chunk of an earlier generation is
   * skipped: after a rebalance the partition is read again from its committed offset, by this
   * member or another one. While stopping, a failure gives up: the chunk is redelivered later.
   */
  private async processInLane(chunk: Chunk): Promise<boolean> {
    for (let attempt = 1; chunk.generation === this.generation; attempt++) {
      try {
        await this.processChunk(chunk, attempt);
        if (chunk.generation !== this.generation) return true;
        this.processed.set(`${chunk.topic}|${chunk.partition}`, {
          topic: chunk.topic,
          partition: chunk.partition,
          offset: (BigInt(chunk.messages[chunk.messages.length - 1].offset) + 1n).toString(),
        });
        // The first progress after a quiet spell is committed at once, the rest by the timer.
        if (Date.now() - this.lastCommitAt >= COMMIT_INTERVAL_MS) void this.commitProcessed();
        // Working again: a later crash restarts soon (a crash at every join backs off instead).
        this.restarts = 0;
        return true;
      } catch (error) {
        this.logger.warn(
          `Could not process ${chunk.topic}[${chunk.partition}] (attempt ${attempt}): ${(error as Error).message}`,
        );
        if (this.draining) return false;
        await new Promise((wake) => setTimeout(wake, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
    return false;
  }

  private newGeneration(): void {
    this.generation++;
    this.processed.clear();
    this.committed.clear();
    // Partitions may have moved to another member, which reports them from now on.
    this.metrics.consumerLag.reset();
  }

  /**
   * Commits the processed offsets (every COMMIT_INTERVAL_MS and on stop), one commit at a time.
   * A crash replays at most the last interval, and the inbox makes the replay a no-op.
   */
  private commitProcessed(): Promise<void> {
    this.commits = this.commits.then(async () => {
      const consumer = this.consumer;
      const offsets = [...this.processed].filter(
        ([key, { offset }]) => this.committed.get(key) !== offset,
      );
      if (!consumer || offsets.length === 0) return;
      this.lastCommitAt = Date.now();
      const generation = this.generation;
      try {
        await consumer.commitOffsets(offsets.map(([, offset]) => offset));
        if (generation === this.generation)
          for (const [key, { offset }] of offsets) this.committed.set(key, offset);
      } catch (error) {
        // Partitions moved to another member in a rebalance: it redelivers, the inbox dedupes.
        this.logger.warn(
          `Could not commit offsets (${(error as Error).message}); they will be redelivered and deduplicated`,
        );
      }
    });
    return this.commits;
  }

  /** How many records at the head of a retry-tier chunk are due (due times grow within a tier). */
  private dueCount(chunk: KafkaMessage[]): number {
    const now = Date.now();
    const index = chunk.findIndex(
      (message) => Number(header(message.headers, RETRY_HEADERS.dueAt) ?? 0) > now,
    );
    return index === -1 ? chunk.length : index;
  }

  /** Not due yet: stop fetching this partition until it is; its unresolved records are fetched again. */
  private pauseUntilDue(payload: EachBatchPayload, head: KafkaMessage): void {
    const delay = Math.max(0, Number(header(head.headers, RETRY_HEADERS.dueAt) ?? 0) - Date.now());
    this.later(delay, payload.pause());
  }

  /** `attempt`: in-place attempts at this chunk so far, counting this one. */
  private async processChunk(
    { topic, partition, messages, tier }: Chunk,
    attempt: number,
  ): Promise<void> {
    const work: Work[] = [];
    const outgoing: Outgoing[] = [];
    const originalTopic = (message: KafkaMessage) =>
      header(message.headers, RETRY_HEADERS.originalTopic) ?? topic;
    for (const message of messages) {
      const parsed = parseKafkaRecord(message);
      const shownTopic = this.logical(originalTopic(message));
      if (parsed.kind === 'malformed') {
        outgoing.push(
          this.deadLetter(message, topic, partition, `malformed: ${parsed.reason}`, tier),
        );
        this.metrics.deadLettered.inc({ topic: shownTopic, reason: 'malformed' });
        this.metrics.consumed.inc({
          topic: shownTopic,
          type: parsed.type ?? 'unknown',
          outcome: 'dead-lettered',
        });
        continue;
      }
      if (parsed.kind === 'event') {
        const subscriptions = this.byType.get(parsed.attributes.type);
        if (subscriptions) {
          work.push(
            this.eventWork(parsed.attributes, parsed.event, shownTopic, message, subscriptions),
          );
          continue;
        }
      }
      if (parsed.kind === 'tombstone') {
        const subscriptions = this.byTopic.get(shownTopic);
        if (subscriptions) {
          work.push(this.tombstoneWork(parsed.key, shownTopic, partition, message, subscriptions));
          continue;
        }
      }
      // Events of a version this build does not know; events and tombstones nobody here handles.
      const type =
        parsed.kind === 'event'
          ? parsed.attributes.type
          : parsed.kind === 'other-version'
            ? parsed.type
            : 'tombstone';
      this.metrics.consumed.inc({ topic: shownTopic, type, outcome: 'ignored' });
    }
    if (work.length > 0) {
      const failures = await this.handle(work, tier, attempt);
      for (const { item, error } of failures) {
        const shownTopic = item.topic;
        if (tier < this.retryDelaysMs.length) {
          outgoing.push(this.retry(item.message, topic, partition, tier + 1, error));
          this.metrics.retried.inc({ topic: shownTopic, type: item.type, tier: String(tier + 1) });
          this.metrics.consumed.inc({ topic: shownTopic, type: item.type, outcome: 'retried' });
        } else {
          outgoing.push(
            this.deadLetter(
              item.message,
              topic,
              partition,
              `handler failed after ${tier + 1} attempts: ${error.message} (${item.label})`,
              tier,
            ),
          );
          this.metrics.deadLettered.inc({ topic: shownTopic, reason: 'handler-failed' });
          this.metrics.consumed.inc({
            topic: shownTopic,
            type: item.type,
            outcome: 'dead-lettered',
          });
        }
      }
    }
    if (outgoing.length > 0) await this.send(outgoing);
  }

  /** Fast path: the whole chunk in one transaction; if a handler throws, one transaction per event. */
  private async handle(
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
        // One statement records the whole chunk in the inbox; the ids it did not insert were
        // handled before (or appear twice in the chunk): those events have no second effect.
        // It also sets the statement timeout (SET LOCAL, same round trip): a query hung past the
        // handler timeout is cancelled, so the ROLLBACK behind it on this connection can run.
        const inserted: { event_id: string }[] = await manager.query(
          `INSERT INTO messaging_inbox (consumer, event_id, type)
           SELECT $1, event_id, type
           FROM unnest($2::text[], $3::text[]) AS incoming(event_id, type),
                (SELECT set_config('statement_timeout', $4, true)) AS timeout
           ON CONFLICT DO NOTHING RETURNING event_id`,
          [
            this.groupId,
            items.map((item) => item.id),
            items.map((item) => item.type),
            String(this.handlerTimeoutMs),
          ],
        );
        const fresh = new Set(inserted.map((row) => row.event_id));
        for (const item of items) {
          const duplicate = !fresh.delete(item.id);
          const started = process.hrtime.bigint();
          if (!duplicate) {
            for (const effect of item.effects) {
              try {
                await withTimeout(effect.run(manager, tier), this.handlerTimeoutMs);
              } catch (error) {
                // The run left behind still holds this transaction's connection: closed, so that
                // nothing it sends later lands after the rollback or in another borrower's work.
                if (error instanceof HandlerTimedOut) abandonConnection(manager);
                // A lost connection says nothing about the record: the lane retries the chunk in
                // place (order kept), a few times, lest a handler's own bug look like one forever.
                if (attempt < IN_PLACE_ATTEMPTS && isTransientDatabaseError(error)) throw error;
                throw new HandlerFailure(effect.name, error);
              }
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

  private eventWork(
    attributes: CloudEventAttributes,
    event: IntegrationEvent,
    topic: string,
    message: KafkaMessage,
    subscriptions: EventSubscription[],
  ): Work {
    return {
      id: attributes.id,
      type: attributes.type,
      topic,
      message,
      label: `${attributes.type} ${attributes.id}`,
      effects: subscriptions.map(({ name, handler }) => ({
        name,
        run: (manager, attempt) =>
          handler.handle(event, this.contextFor(manager, attributes, attempt)),
      })),
    };
  }

  /**
   * A tombstone has no event id: its inbox id is where it was first read (the x-original-*
   * headers on a retry tier), so a redelivered or retried tombstone has no second effect.
   */
  private tombstoneWork(
    key: string,
    topic: string,
    partition: number,
    message: KafkaMessage,
    subscriptions: TombstoneSubscription[],
  ): Work {
    const first = {
      partition: Number(header(message.headers, RETRY_HEADERS.originalPartition) ?? partition),
      offset: header(message.headers, RETRY_HEADERS.originalOffset) ?? message.offset,
    };
    return {
      id: `tombstone:${topic}:${first.partition}:${first.offset}`,
      type: 'tombstone',
      topic,
      message,
      label: `tombstone of ${topic} key ${key}`,
      effects: subscriptions.map(({ name, handler }) => ({
        name,
        run: (manager, attempt) => handler.erase(key, { manager, topic, ...first, attempt }),
      })),
    };
  }

  private contextFor(
    manager: EntityManager,
    attributes: CloudEventAttributes,
    attempt: number,
  ): HandlerContext {
    return {
      manager,
      attributes,
      attempt,
      publish: (events, context = {}) =>
        this.outbox.publish(manager, events, {
          academy: attributes.academy,
          traceparent: attributes.traceparent,
          correlationId: attributes.correlationid,
          causationId: attributes.id,
          ...context,
        }),
    };
  }

  private retry(
    message: KafkaMessage,
    topic: string,
    partition: number,
    tier: number,
    error: Error,
  ): Outgoing {
    const headers = this.carried(message, topic, partition);
    headers[RETRY_HEADERS.tier] = String(tier);
    headers[RETRY_HEADERS.dueAt] = String(Date.now() + this.retryDelaysMs[tier - 1]);
    headers[RETRY_HEADERS.error] = truncate(error.message);
    return {
      topic: retryTopic(this.options.prefix, this.options.service, tier),
      message: { key: message.key, value: message.value, headers },
    };
  }

  private deadLetter(
    message: KafkaMessage,
    topic: string,
    partition: number,
    reason: string,
    tier: number,
  ): Outgoing {
    const headers = this.carried(message, topic, partition);
    headers[RETRY_HEADERS.reason] = truncate(reason);
    headers[RETRY_HEADERS.tier] = String(tier);
    headers[RETRY_HEADERS.failedAt] = new Date().toISOString();
    headers[RETRY_HEADERS.consumer] = this.groupId;
    return {
      topic: deadLetterTopic(this.options.prefix, this.options.service),
      message: { key: message.key, value: message.value, headers },
    };
  }

  /** The original headers, plus where the record first came from (kept across retry tiers). */
  private carried(message: KafkaMessage, topic: string, partition: number): IHeaders {
    const headers: IHeaders = { ...(message.headers ?? {}) };
    delete headers[RETRY_HEADERS.dueAt];
    delete headers[RETRY_HEADERS.error];
    if (!headers[RETRY_HEADERS.originalTopic]) {
      headers[RETRY_HEADERS.originalTopic] = topic;
      headers[RETRY_HEADERS.originalPartition] = String(partition);
      headers[RETRY_HEADERS.originalOffset] = message.offset;
    }
    return headers;
  }

  private async send(outgoing: Outgoing[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of outgoing) add(byTopic, topic, message);
    if (!this.producer) throw new Error('EventConsumer is not started');
    await this.producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      acks: -1,
    });
  }

  /** Records behind the high watermark, those queued in the lane included. */
  private recordLag({ topic, partition, highWatermark, next }: Lane): void {
    if (highWatermark === undefined || next === undefined) return;
    this.metrics.consumerLag.set(
      { topic: this.logical(topic), partition: String(partition) },
      Number(highWatermark > next ? highWatermark - next : 0n),
    );
  }

  private logical(topic: string): string {
    return topic.startsWith(this.options.prefix) ? topic.slice(this.options.prefix.length) : topic;
  }
}

function add<T>(map: Map<string, T[]>, key: string, value: T): void {
  const values = map.get(key);
  if (values) values.push(value);
  else map.set(key, [value]);
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const value = headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
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

function truncate(text: string): string {
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
