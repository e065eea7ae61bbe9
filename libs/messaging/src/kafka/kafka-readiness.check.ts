import { OnApplicationShutdown } from '@nestjs/common';
import { ReadinessCheck } from '@tremplin/platform';
import { Admin, Kafka, logLevel } from 'kafkajs';
import type { KafkaSecurity } from './client';

/**
 * `/health/ready` for Kafka: asks the cluster for its metadata with no retries and a short
 * timeout, so it fails within ~2 s while the broker is down and passes again once it is back.
 * It also fails while the service's consumer is down after a crash (`consumerHealthy`).
 */
export class KafkaReadinessCheck extends ReadinessCheck implements OnApplicationShutdown {
  readonly name = 'kafka';
  private admin: Admin | undefined;
  private readonly kafka: Kafka;
  private readonly timeoutMs: number;
  private readonly consumerHealthy: () => boolean;

  constructor(
    brokers: string[],
    options: { timeoutMs?: number; consumerHealthy?: () => boolean; security?: KafkaSecurity } = {},
  ) {
    super();
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.consumerHealthy = options.consumerHealthy ?? (() => true);
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
    // The broker may answer while this service reads nothing: not ready until the consumer is back.
    if (!this.consumerHealthy())
      throw new Error('Kafka consumer crashed; not ready until it is back in its group');
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
