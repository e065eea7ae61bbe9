import { BeforeApplicationShutdown, DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TerminusModule } from '@nestjs/terminus';
import { AuthGuard } from './auth/auth.guard';
import { loadConfig } from './config/load-config';
import { PlatformEnv } from './config/platform-env';
import { ReadinessCheck } from './health/readiness-check';
import { HealthController } from './health/readiness.controller';
import { READINESS_CHECKS, ShutdownState } from './health/tokens';
import { ProblemFilter } from './http/problem.filter';
import { RateLimitGuard } from './http/rate-limit.guard';
import { loggerModule } from './logging/logger';
import { MetricsController } from './metrics/metrics';
import {
  DatabaseModule,
  DatabaseOptions,
  DatabaseReadinessCheck,
} from './database/database.module';
import { RedisModule, RedisReadinessCheck } from './redis/redis.module';
import { SERVICE_NAME, ServiceName } from './services';

export interface PlatformOptions {
  service: ServiceName;
  /** The service's own PostgreSQL schema: its entities and migrations. */
  database: DatabaseOptions;
  /**
   * Dependencies that /health/ready checks besides the database and Redis (e.g. Kafka);
   * each must be a provider visible to the app.
   */
  readiness?: Type<ReadinessCheck>[];
}

/**
 * What every service gets from one import: logs, errors, auth, rate limits, its database,
 * Redis, health and metrics.
 */
@Module({})
export class PlatformModule implements BeforeApplicationShutdown {
  constructor(private readonly shutdown: ShutdownState) {}

  static forRoot(options: PlatformOptions): DynamicModule {
    // Environment is read when the app is created, not when this file is imported, so that
    // runService can report a bad variable cleanly.
    return {
      module: PlatformModule,
      imports: [
        loggerModule(options.service),
        TerminusModule.forRoot({ logger: false }),
        DatabaseModule.forRoot(options.database),
        RedisModule,
        JwtModule.registerAsync({
          useFactory: () => {
            const env = loadConfig(PlatformEnv);
            return {
              secret: env.JWT_SECRET,
              signOptions: { algorithm: 'HS256', issuer: env.JWT_ISSUER },
              verifyOptions: { algorithms: ['HS256'], issuer: env.JWT_ISSUER },
            };
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        ShutdownState,
        { provide: SERVICE_NAME, useValue: options.service },
        {
          provide: READINESS_CHECKS,
          useFactory: (...checks: ReadinessCheck[]) => checks,
          inject: [DatabaseReadinessCheck, RedisReadinessCheck, ...(options.readiness ?? [])],
        },
        // Guards run in this order: who is calling, then how often.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }

  /** Fail readiness first, so that traffic drains away while in-flight requests finish. */
  beforeApplicationShutdown(): void {
    this.shutdown.stopping = true;
  }
}
