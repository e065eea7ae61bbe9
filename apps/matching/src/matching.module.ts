import { Module } from '@nestjs/common';
import {
  KafkaReadinessCheck,
  MessagingModule,
  messagingEntities,
  messagingMigrations,
} from '@tremplin/messaging';
import {
  DatabaseModule,
  DatabaseReadinessCheck,
  PlatformModule,
  RedisReadinessCheck,
} from '@tremplin/platform';

@Module({
  imports: [
    PlatformModule.forRoot({
      service: 'matching',
      readiness: [DatabaseReadinessCheck, KafkaReadinessCheck, RedisReadinessCheck],
    }),
    DatabaseModule.forRoot({ entities: messagingEntities, migrations: messagingMigrations }),
    MessagingModule.forRoot({ service: 'matching' }),
  ],
})
export class MatchingModule {}
