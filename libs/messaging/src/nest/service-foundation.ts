import type { DynamicModule } from '@nestjs/common';
import { DatabaseOptions, PlatformModule, ServiceName } from '@tremplin/platform';
import { KafkaReadinessCheck } from '../kafka/kafka-readiness.check';
import { messagingEntities, messagingMigrations } from '../migrations';
import { MessagingModule } from './messaging.module';
import type { MessagingOptions } from './messaging.options';

/**
 * What every service's app module imports first: the platform on the service's database, which
 * also holds the outbox and inbox tables (their migration runs before the service's own), with
 * Kafka in readiness; and messaging with the service's handlers.
 *
 *   imports: [...serviceFoundation({ service: 'schools', database: { entities: [School], migrations: [CreateSchools] } }), ...]
 */
export function serviceFoundation(options: {
  service: ServiceName;
  /** The service's own entities and migrations (the messaging ones are added). */
  database?: Partial<DatabaseOptions>;
  messaging?: Omit<MessagingOptions, 'service'>;
}): DynamicModule[] {
  const { service, database = {}, messaging = {} } = options;
  return [
    PlatformModule.forRoot({
      service,
      database: {
        entities: [...(database.entities ?? []), ...messagingEntities],
        migrations: [...messagingMigrations, ...(database.migrations ?? [])],
      },
      readiness: [KafkaReadinessCheck],
    }),
    MessagingModule.forRoot({ service, ...messaging }),
  ];
}
