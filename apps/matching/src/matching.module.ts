import { Module } from '@nestjs/common';
import {
  DatabaseModule,
  DatabaseReadinessCheck,
  PlatformModule,
  RedisModule,
  RedisReadinessCheck,
} from '@tremplin/platform';

@Module({
  imports: [
    PlatformModule.forRoot({
      service: 'matching',
      readiness: [DatabaseReadinessCheck, RedisReadinessCheck],
    }),
    DatabaseModule.forRoot({ entities: [], migrations: [] }),
    RedisModule,
  ],
})
export class MatchingModule {}
