import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { Kafka } from 'kafkajs';
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
 * the readiness check reports it) until the broker answers.
 */
@Injectable()
export class Messaging implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Messaging');
  private readonly kafka: Kafka;
  private relay: OutboxRelay | undefined;
  private consumer: EventConsumer | undefined;
  private stopping = false;
  private starting: Promise<void> | undefined;

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
    this.starting = this.start(subscriptions);
  }

  /** False while the consumer is down after a crash kafkajs does not restart from (readiness). */
  get consumerHealthy(): boolean {
    return this.consumer?.healthy ?? true;
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
    await this.starting?.catch((error: Error) =>
      this.logger.error(`Start-up failed: ${error.message}`),
    );
    await this.consumer?.stop();
    await this.relay?.stop();
  }
}
