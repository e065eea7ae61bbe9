import { Global, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { loadConfig } from '../config/load-config';
import { PlatformEnv } from '../config/platform-env';
import { ReadinessCheck } from '../health/readiness-check';

/** The service's Redis connection; commands fail fast while Redis is down, then it reconnects. */
@Injectable()
export class RedisClient extends Redis implements OnApplicationShutdown {
  constructor() {
    super(loadConfig(PlatformEnv).REDIS_URL, {
      lazyConnect: false,
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // Connection errors are reported by readiness; without a listener ioredis logs each retry.
    this.on('error', () => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.quit().catch(() => this.disconnect());
  }
}

@Injectable()
export class RedisReadinessCheck extends ReadinessCheck {
  readonly name = 'redis';
  constructor(private readonly redis: RedisClient) {
    super();
  }
  async check(): Promise<void> {
    await this.redis.ping();
  }
}

@Global()
@Module({
  providers: [RedisClient, RedisReadinessCheck],
  exports: [RedisClient, RedisReadinessCheck],
})
export class RedisModule {}
