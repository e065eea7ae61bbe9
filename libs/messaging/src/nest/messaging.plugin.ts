import { Module } from '@nestjs/common';
import type { PlatformPlugin } from '@tremplin/platform';
import {
  KafkaConsumerHealthCheck,
  KafkaReadinessCheck,
  OutboxHealthCheck,
} from '../kafka/kafka-readiness.check';
import { messagingEntities, messagingMigrations } from '../migrations';
import { MessagingModule } from './messaging.module';
import type { MessagingOptions } from './messaging.options';

/** Holds the outbox's and the consumer's health checks beside MessagingModule. */
@Module({})
export class MessagingHealthModule {}

/**
 * Messaging's part of a service's foundation: the outbox and inbox tables in the service's
 * database (migrated before the service's own), Kafka, the outbox and (with handlers) the
 * consumer in health — none of them required, so an outage degrades the pod without taking it
 * out of rotation — and MessagingModule with the service's subscription list:
 *
 *   PlatformModule.forRoot({ service: 'schools', database: {...}, plugins: [messaging({ handlers: SUBSCRIPTIONS })] })
 */
export function messaging(options: Omit<MessagingOptions, 'service'> = {}): PlatformPlugin {
  const consumes = (options.handlers ?? []).length > 0;
  return (service) => ({
    module: {
      module: MessagingHealthModule,
      global: true,
      imports: [MessagingModule.forRoot({ service, ...options })],
      providers: [OutboxHealthCheck, KafkaConsumerHealthCheck],
      exports: [OutboxHealthCheck, KafkaConsumerHealthCheck],
    },
    database: { entities: messagingEntities, migrations: messagingMigrations },
    readiness: [
      KafkaReadinessCheck,
      OutboxHealthCheck,
      ...(consumes ? [KafkaConsumerHealthCheck] : []),
    ],
  });
}
