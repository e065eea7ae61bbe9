import type { PlatformPlugin } from '@tremplin/platform';
import { KafkaReadinessCheck } from '../kafka/kafka-readiness.check';
import { messagingEntities, messagingMigrations } from '../migrations';
import { MessagingModule } from './messaging.module';
import type { MessagingOptions } from './messaging.options';

/**
 * Messaging's part of a service's foundation: the outbox and inbox tables in the service's
 * database (migrated before the service's own), Kafka in readiness, and MessagingModule with
 * the service's subscription list:
 *
 *   PlatformModule.forRoot({ service: 'schools', database: {...}, plugins: [messaging({ handlers: SUBSCRIPTIONS })] })
 */
export function messaging(options: Omit<MessagingOptions, 'service'> = {}): PlatformPlugin {
  return (service) => ({
    module: MessagingModule.forRoot({ service, ...options }),
    database: { entities: messagingEntities, migrations: messagingMigrations },
    readiness: [KafkaReadinessCheck],
  });
}
