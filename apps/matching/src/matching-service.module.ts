import { Module } from '@nestjs/common';
import { messaging } from '@tremplin/messaging';
import { PlatformModule } from '@tremplin/platform';
import { SUBSCRIPTIONS } from './subscriptions';

/** The matching service: the foundation and its subscriptions (no feature module yet). */
@Module({
  imports: [
    PlatformModule.forRoot({
      service: 'matching',
      plugins: [messaging({ handlers: SUBSCRIPTIONS })],
    }),
  ],
})
export class MatchingServiceModule {}
