import { DynamicModule, Module, Provider } from '@nestjs/common';
import { loadConfig } from '@tremplin/platform';
import { brokerList, MessagingEnv } from '../config';
import { kafkaSecurity } from '../kafka/client';
import { KafkaReadinessCheck } from '../kafka/kafka-readiness.check';
import { MessagingMetrics } from '../metrics';
import { Outbox } from '../outbox/outbox';
import { MESSAGING_OPTIONS, MessagingOptions } from './messaging.options';
import { Messaging } from './messaging.service';
import { OutboxAdminController } from './outbox-admin.controller';

/**
 * Events for one service: `MessagingModule.forRoot({ service: 'companies', handlers: [...] })`.
 * Needs a TypeORM DataSource in the app (TypeOrmModule) with `messagingEntities` and
 * `messagingMigrations`. Global: `Outbox`, `KafkaReadinessCheck` and `MessagingMetrics` can be
 * injected anywhere.
 */
@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    const providers: Provider[] = [
      { provide: MESSAGING_OPTIONS, useValue: options },
      { provide: MessagingEnv, useFactory: () => loadConfig(MessagingEnv, options.env) },
      { provide: Outbox, useFactory: () => new Outbox(options.service) },
      { provide: MessagingMetrics, useFactory: () => new MessagingMetrics(options.registry) },
      {
        provide: KafkaReadinessCheck,
        useFactory: (env: MessagingEnv) =>
          new KafkaReadinessCheck(brokerList(env), { security: kafkaSecurity(env) }),
        inject: [MessagingEnv],
      },
      Messaging,
    ];
    return {
      module: MessagingModule,
      global: true,
      controllers: [OutboxAdminController],
      providers,
      exports: [Outbox, KafkaReadinessCheck, MessagingMetrics, Messaging, MessagingEnv],
    };
  }
}
