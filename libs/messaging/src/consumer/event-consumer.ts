// Runs a service's subscriptions on one kafkajs consumer: start, stop, a new consumer after a
// crash kafkajs does not restart from, health. The records' way is in the parts it composes.
import { Logger } from '@nestjs/common';
import { ServiceName } from '@tremplin/contracts';
import { Consumer, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import type { DataSource } from 'typeorm';
import { DEFAULT_RETRY_DELAYS_MS } from '../config';
import { connectEventProducer } from '../kafka/client';
import { MessagingMetrics } from '../metrics';
import { Outbox } from '../outbox/outbox';
import { ChunkProcessor } from './chunk-processor';
import { FailureRouter } from './failure-router';
import { subscribedTopic, Subscription } from './handler';
import { InboxTransaction } from './inbox-transaction';
import { OffsetCommitter } from './offset-committer';
import { PartitionLanes } from './partition-lanes';

export interface EventConsumerOptions {
  service: ServiceName;
  prefix: string;
  /** Event handlers and tombstone handlers. */
  subscriptions: readonly Subscription[];
  /**
   * Delay before each retry tier; after the last one the event is dead-lettered. Default
   * `DEFAULT_RETRY_DELAYS_MS`.
   */
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

/** First wait before starting again a consumer that kafkajs gave up on; doubled up to a minute. */
const RESTART_DELAY_MS = 1000;

/**
 * Runs a service's subscriptions. Each partition's records go, chunk by chunk and in order, to
 * its lane (PartitionLanes); per chunk (ChunkProcessor): parse each record; write every effect
 * together with its inbox row in one transaction, falling back to one transaction per event when
 * a handler fails (InboxTransaction); send failures to the next retry tier and malformed records
 * to the dead-letter topic (FailureRouter); only then is the chunk's offset committable
 * (OffsetCommitter).
 */
export class EventConsumer {
  private readonly logger: Logger;
  private readonly groupId: string;
  private readonly failures: FailureRouter;
  private readonly lanes: PartitionLanes;
  private readonly offsets: OffsetCommitter;
  /** Resumes of paused retry tiers and a restart after a crash: cleared on stop. */
  private readonly timers = new Set<NodeJS.Timeout>();
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  /** stop() was called: no restart after a crash. */
  private stopped = false;
  private crashed = false;
  /** Restarts after a crash since the consumer last made progress (the backoff grows with them). */
  private restarts = 0;
  private restarting: Promise<void> = Promise.resolve();
  /** Times this member joined its group (a rebalance after the first join means it was evicted or the group changed). */
  joins = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly kafka: Kafka,
    outbox: Outbox,
    private readonly options: EventConsumerOptions,
    metrics: MessagingMetrics,
  ) {
    const { service, prefix } = options;
    const groupId = prefix + (options.groupId ?? service);
    this.groupId = groupId;
    this.logger = new Logger(`EventConsumer:${groupId}`);
    const retryDelaysMs = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    this.failures = new FailureRouter({ service, prefix, groupId, retryDelaysMs }, metrics);
    const inbox = new InboxTransaction(
      dataSource,
      { groupId, handlerTimeoutMs: options.handlerTimeoutMs ?? 60_000 },
      metrics,
      this.logger,
    );
    const processor = new ChunkProcessor(
      prefix,
      options.subscriptions,
      inbox,
      this.failures,
      outbox,
      () => this.producer,
      metrics,
    );
    this.offsets = new OffsetCommitter(this.logger);
    this.lanes = new PartitionLanes(
      {
        prefix,
        chunkSize: options.chunkSize ?? 200,
        process: (chunk, attempt) => processor.process(chunk, attempt),
        processed: (chunk) => {
          this.offsets.markProcessed(chunk);
          // Working again: a later crash restarts soon (a crash at every join backs off instead).
          this.restarts = 0;
        },
        later: (delay, run) => this.later(delay, run),
      },
      this.failures,
      metrics,
      this.logger,
    );
  }

  /** The topics read: those of the subscribed events and tombstones, and this service's retry tiers. */
  topics(): string[] {
    const main = new Set(
      this.options.subscriptions.map(
        (subscription) => this.options.prefix + subscribedTopic(subscription).name,
      ),
    );
    return [...main, ...this.failures.topics()];
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
    this.lanes.open();
    this.offsets.start(consumer);
    await consumer.run({
      eachBatchAutoResolve: false,
      // kafkajs resolves what was handed over to a lane (so that it fetches on); only processed
      // offsets are committed, by the OffsetCommitter.
      autoCommit: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch: (payload) => this.eachBatch(payload),
    });
  }

  /** A method of its own, so that tests can make a batch fail. */
  private eachBatch(payload: EachBatchPayload): Promise<void> {
    return this.lanes.take(payload);
  }

  private async close(): Promise<void> {
    this.clearTimers();
    const consumer = this.consumer;
    if (consumer) {
      // No chunk is handed over from now on; the records not handed over are fetched again by the next member.
      await this.lanes.drain();
      await this.offsets.stop();
      await consumer.disconnect();
      if (this.consumer === consumer) this.consumer = undefined;
    }
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }

  private newGeneration(): void {
    this.lanes.newGeneration();
    this.offsets.newGeneration();
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

  private clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
