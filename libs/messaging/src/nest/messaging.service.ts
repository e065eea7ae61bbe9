import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Admin, Kafka } from 'kafkajs';
import { DataSource } from 'typeorm';
import { brokerList, DEFAULT_RETRY_DELAYS_MS, MessagingEnv } from '../config';
import { EventConsumer } from '../consumer/event-consumer';
import {
  EventHandler,
  HandlerClass,
  subscribedTopic,
  Subscription,
  subscriptionOf,
  TombstoneHandler,
} from '../consumer/handler';
import { createKafka, kafkaSecurity } from '../kafka/client';
import { ensureTopics, topicsFor } from '../kafka/topics';
import { MessagingMetrics } from '../metrics';
import { Outbox } from '../outbox/outbox';
import { OutboxRelay } from '../outbox/outbox-relay';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';

/**
 * Starts the service's messaging once the app is up: creates its topics, then runs the relay
 * and the consumer. Kafka being down at start-up does not stop the app: it keeps trying (and
 * health reports it) until the broker answers. A consumer that stays out of its group for
 * KAFKA_CONSUMER_MAX_OUT_OF_GROUP_MS while the broker answers makes the process exit (a restart
 * is what Kubernetes can do about a stuck consumer; a broker outage is not one).
 */
@Injectable()
export class Messaging implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  private readonly kafka: Kafka;
  private relay: OutboxRelay | undefined;
  private consumer: EventConsumer | undefined;
  private stopping = false;
  private starting: Promise<void> | undefined;
  private subscribed = false;
  /** When the consumer was last seen out of its group (undefined: in it, or no consumer). */
  private outOfGroupSince: number | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private watchdogAdmin: Admin | undefined;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    private readonly env: MessagingEnv,
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly metrics: MessagingMetrics,
    private readonly moduleRef: ModuleRef,
  ) {
    this.kafka = createKafka(`tremplin-${options.service}`, brokerList(env), {
      security: kafkaSecurity(env),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // A wrong handler list is a programming error: fail the start-up, not later.
    const subscriptions = await Promise.all(
      (this.options.handlers ?? []).map((handlerClass) =>
        subscriptionOf(handlerClass, () => this.instance(handlerClass)),
      ),
    );
    this.subscribed = subscriptions.length > 0;
    if (this.subscribed) {
      this.outOfGroupSince = Date.now();
      const maxMs = this.env.KAFKA_CONSUMER_MAX_OUT_OF_GROUP_MS;
      this.watchdog = setInterval(() => void this.watch(), Math.min(5_000, maxMs / 4));
      this.watchdog.unref();
    }
    this.starting = this.start(subscriptions);
  }

  /**
   * Whether the consumer is in its group: `outOfGroupSince` is set from start-up until it has
   * joined, and from a crash kafkajs does not restart from until it is back (health).
   */
  consumerStatus(): { outOfGroupSince?: number; maxOutOfGroupMs: number } {
    this.observe();
    return {
      outOfGroupSince: this.outOfGroupSince,
      maxOutOfGroupMs: this.env.KAFKA_CONSUMER_MAX_OUT_OF_GROUP_MS,
    };
  }

  private observe(): void {
    if (!this.subscribed) return;
    const inGroup = this.consumer !== undefined && this.consumer.healthy && this.consumer.joins > 0;
    if (inGroup) this.outOfGroupSince = undefined;
    else this.outOfGroupSince ??= Date.now();
  }

  /** Exits when the consumer has been out of its group too long while the broker answers. */
  private async watch(): Promise<void> {
    this.observe();
    const since = this.outOfGroupSince;
    const maxMs = this.env.KAFKA_CONSUMER_MAX_OUT_OF_GROUP_MS;
    if (this.stopping || since === undefined || Date.now() - since < maxMs) return;
    if (!(await this.brokerAnswers())) return; // an outage: a restart would not help
    this.observe();
    if (this.stopping || this.outOfGroupSince === undefined) return;
    const reason = `Kafka consumer out of its group for ${Math.round((Date.now() - since) / 1000)} s while the broker answers (KAFKA_CONSUMER_MAX_OUT_OF_GROUP_MS ${maxMs}): exiting so that the process is restarted`;
    clearInterval(this.watchdog);
    if (this.options.onStuckConsumer) return this.options.onStuckConsumer(reason);
    this.logger.fatal(reason);
    process.exit(1);
  }

  private async brokerAnswers(): Promise<boolean> {
    const admin = (this.watchdogAdmin ??= this.kafka.admin({ retry: { retries: 0 } }));
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      return cluster.brokers.length > 0;
    } catch {
      this.watchdogAdmin = undefined;
      await admin.disconnect().catch(() => undefined);
      return false;
    }
  }

  /** Resolves once the topics exist and the relay and consumer run (tests wait on it). */
  async started(): Promise<void> {
    await this.starting;
  }

  private async start(subscriptions: Subscription[]): Promise<void> {
    const retryDelaysMs = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
    const topics = topicsFor({
      service: this.options.service,
      prefix: this.env.KAFKA_TOPIC_PREFIX,
      partitions: this.env.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: this.env.KAFKA_REPLICATION_FACTOR,
      consumed: subscriptions.map(subscribedTopic),
      retryTiers: retryDelaysMs.length,
    });
    await this.untilDone('create topics', async () => {
      // Needed at start-up only: closed after each attempt, failed or not.
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        const created = await ensureTopics(admin, topics);
        if (created.length > 0) this.logger.log(`Created topics: ${created.join(', ')}`);
      } finally {
        await admin.disconnect();
      }
    });
    if (this.stopping) return;
    if (this.options.relay !== false) {
      this.relay = new OutboxRelay(
        this.dataSource,
        this.kafka,
        { prefix: this.env.KAFKA_TOPIC_PREFIX },
        this.metrics,
      );
      this.relay.start();
    }
    if (subscriptions.length > 0) {
      const consumer = new EventConsumer(
        this.dataSource,
        this.kafka,
        this.outbox,
        {
          service: this.options.service,
          prefix: this.env.KAFKA_TOPIC_PREFIX,
          subscriptions,
          retryDelaysMs,
          handlerTimeoutMs: this.options.handlerTimeoutMs,
        },
        this.metrics,
      );
      this.consumer = consumer;
      await this.untilDone('start the consumer', () => consumer.start());
    }
  }

  /** Retries a start-up step with backoff, logging the first failure and the recovery only. */
  private async untilDone(what: string, step: () => Promise<void>): Promise<void> {
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        await step();
        if (attempt > 0) this.logger.log(`Kafka is back: managed to ${what}`);
        return;
      } catch (error) {
        if (attempt === 0)
          this.logger.warn(
            `Could not ${what} (${(error as Error).message}); retrying until Kafka answers`,
          );
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)));
      }
    }
  }

  private async instance(handlerClass: HandlerClass): Promise<EventHandler | TombstoneHandler> {
    try {
      return this.moduleRef.get<EventHandler | TombstoneHandler>(handlerClass, { strict: false });
    } catch {
      // Not a provider of the app: build it here (its dependencies must be global then).
      return this.moduleRef.create<EventHandler | TombstoneHandler>(handlerClass);
    }
  }

  /** Drains: the consumer finishes and commits its batches in flight, the relay its batch. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.watchdog);
    await this.watchdogAdmin?.disconnect().catch(() => undefined);
    await this.starting?.catch((error: Error) =>
      this.logger.error(`Start-up failed: ${error.message}`),
    );
    await this.consumer?.stop();
    await this.relay?.stop();
  }
}
