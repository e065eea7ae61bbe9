import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { ReadinessCheck } from '@tremplin/platform';
import { Admin, Kafka, logLevel } from 'kafkajs';
import { DataSource } from 'typeorm';
import { MessagingMetrics } from '../metrics';
import { Messaging } from '../nest/messaging.service';
import type { KafkaSecurity } from './client';

/**
 * Health of Kafka itself: asks the cluster for its metadata with no retries and a short
 * timeout, so it fails within ~2 s while the broker is down and passes again once it is back.
 * Not required: while Kafka is down the service keeps taking writes (the outbox holds the
 * events), so the pod stays ready and health reports Kafka as degraded.
 */
export class KafkaReadinessCheck extends ReadinessCheck implements OnApplicationShutdown {
  readonly name = 'kafka';
  private admin: Admin | undefined;
  private readonly kafka: Kafka;
  private readonly timeoutMs: number;

  constructor(brokers: string[], options: { timeoutMs?: number; security?: KafkaSecurity } = {}) {
    super();
    this.timeoutMs = options.timeoutMs ?? 2000;
    // A client of its own, silent: a failing probe is reported by the probe, not by logs.
    this.kafka = new Kafka({
      clientId: 'readiness',
      brokers,
      ...options.security,
      connectionTimeout: Math.min(1000, this.timeoutMs),
      requestTimeout: this.timeoutMs,
      retry: { retries: 0 },
      logLevel: logLevel.NOTHING,
    });
  }

  async check(): Promise<void> {
    const admin = (this.admin ??= this.kafka.admin({ retry: { retries: 0 } }));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`Kafka did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
    });
    try {
      await Promise.race([
        (async () => {
          await admin.connect();
          const cluster = await admin.describeCluster();
          if (cluster.brokers.length === 0) throw new Error('Kafka cluster has no broker');
        })(),
        timeout,
      ]);
    } catch (error) {
      // Start from a fresh client next time: a half-open connection would fail again.
      this.admin = undefined;
      admin.disconnect().catch(() => undefined);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The app closes the probe's connection with the rest (Nest lifecycle). */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  async close(): Promise<void> {
    await this.admin?.disconnect();
    this.admin = undefined;
  }
}

/** Unsent outbox rows older than this make the outbox degraded: events are not reaching Kafka. */
const OUTBOX_STALE_SECONDS = 60;

/**
 * The outbox's way to Kafka: degraded while an unsent row is older than a minute (the relay
 * cannot publish). The admin view shows the backlog and the age of its oldest row.
 */
@Injectable()
export class OutboxHealthCheck extends ReadinessCheck {
  readonly name = 'outbox';

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  async check(): Promise<void> {
    const { backlog, oldestSeconds } = await this.backlog();
    if (oldestSeconds > OUTBOX_STALE_SECONDS)
      throw new Error(
        `${backlog} unsent event(s), the oldest ${Math.round(oldestSeconds)} s old: the relay cannot publish`,
      );
  }

  override async details(): Promise<Record<string, unknown>> {
    const { backlog, oldestSeconds } = await this.backlog();
    return { backlog, oldestUnsentSeconds: Math.round(oldestSeconds) };
  }

  private async backlog(): Promise<{ backlog: number; oldestSeconds: number }> {
    const [row] = (await this.dataSource.query(
      `SELECT count(*)::int AS backlog,
              coalesce(extract(epoch FROM now() - min(created_at)), 0)::float AS "oldestSeconds"
         FROM messaging_outbox WHERE sent_at IS NULL AND parked_at IS NULL`,
    )) as { backlog: number; oldestSeconds: number }[];
    return row;
  }
}

/**
 * The service's consumer: degraded while it is out of its group (not started yet because Kafka
 * is unreachable, or after a crash until it is back). Not required: the API serves without it;
 * a consumer that stays out for KAFKA_CONSUMER_MAX_OUT_OF_GROUP_MS makes the process exit
 * (Messaging), so that Kubernetes restarts it. The admin view shows the lag per partition and
 * the events parked on the dead-letter topic since the process started.
 */
@Injectable()
export class KafkaConsumerHealthCheck extends ReadinessCheck {
  readonly name = 'consumer';

  constructor(
    private readonly messaging: Messaging,
    private readonly metrics: MessagingMetrics,
  ) {
    super();
  }

  async check(): Promise<void> {
    const { outOfGroupSince } = this.messaging.consumerStatus();
    if (outOfGroupSince !== undefined)
      throw new Error(
        `consumer out of its group for ${Math.round((Date.now() - outOfGroupSince) / 1000)} s`,
      );
  }

  override async details(): Promise<Record<string, unknown>> {
    const { outOfGroupSince, maxOutOfGroupMs } = this.messaging.consumerStatus();
    const lag = (await this.metrics.consumerLag.get()).values.map(({ labels, value }) => ({
      topic: labels.topic,
      partition: labels.partition,
      lag: value,
    }));
    const parked = (await this.metrics.deadLettered.get()).values.reduce(
      (sum, { value }) => sum + value,
      0,
    );
    return {
      inGroup: outOfGroupSince === undefined,
      outOfGroupSince:
        outOfGroupSince === undefined ? undefined : new Date(outOfGroupSince).toISOString(),
      maxOutOfGroupMs,
      lag,
      deadLetteredSinceStart: parked,
    };
  }
}
