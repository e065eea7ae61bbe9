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
      service: 'notifications',
      database: { entities: messagingEntities, migrations: messagingMigrations },
      readiness: [KafkaReadinessCheck],
    }),
    MessagingModule.forRoot({ service: 'notifications' }),
  ],
})
export class NotificationsModule {}
