import { Module } from '@nestjs/common';
import {
  KafkaReadinessCheck,
  MessagingModule,
  messagingEntities,
  messagingMigrations,
} from '@tremplin/messaging';
import { PlatformModule } from '@tremplin/platform';

@Module({
  imports: [
    PlatformModule.forRoot({
      service: 'matching',
      database: { entities: messagingEntities, migrations: messagingMigrations },
      readiness: [KafkaReadinessCheck],
    }),
    MessagingModule.forRoot({ service: 'matching' }),
  ],
})
export class MatchingModule {}
