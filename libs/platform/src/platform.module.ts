import { BeforeApplicationShutdown, DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, DiscoveryModule } from '@nestjs/core';
import { AuthGuard } from './auth/auth.guard';
import { AUTH_READINESS_CHECKS, AuthModule } from './auth/auth.module';
import { RoutePolicyCheck } from './auth/route-policies';
import { WorkContextInterceptor } from './context/work-context.interceptor';
import { DependencyHealth } from './health/dependency-health';
import { ReadinessCheck } from './health/readiness-check';
import { HealthController } from './health/readiness.controller';
import { READINESS_CHECKS, ShutdownState } from './health/tokens';
import { ProblemFilter } from './http/problem.filter';
import { RateLimitGuard } from './http/rate-limit.guard';
import { loggerModule } from './logging/logger';
import { MetricsController } from './metrics/metrics';
import { AuditModule } from './audit/audit.module';
import { LinksModule } from './links/links.module';
import { platformEntities, platformMigrations } from './migrations';
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
  database?: Partial<DatabaseOptions>;
  /**
   * Dependencies that health reports besides the database and Redis (required ones fail
   * /health/ready, the others degrade it); each must be a provider visible to the app.
   */
  readiness?: Type<ReadinessCheck>[];
  /** What other libraries add to every service, e.g. `messaging({ handlers: SUBSCRIPTIONS })`. */
  plugins?: PlatformPlugin[];
}

/**
 * A library's part of the foundation (the kit cannot import the libraries built on it): its
 * module, its tables in the service's database (migrated before the service's own) and what it
 * adds to readiness.
 */
export type PlatformPlugin = (service: ServiceName) => {
  module: DynamicModule;
  database?: Partial<DatabaseOptions>;
  readiness?: Type<ReadinessCheck>[];
};

/**
 * The foundation of every service, its root module's first import: logs, errors, auth, rate
 * limits, its database, Redis, health, metrics, and the plugins (messaging). main.ts then calls
 * runService (bootstrap.ts).
 */
@Module({})
export class PlatformModule implements BeforeApplicationShutdown {
  constructor(private readonly shutdown: ShutdownState) {}

  static forRoot(options: PlatformOptions): DynamicModule {
    const plugins = (options.plugins ?? []).map((plugin) => plugin(options.service));
    const database: DatabaseOptions = {
      // The kit's own tables (audit log, signed links) first, then the plugins', then the service's.
      entities: [...platformEntities, ...(options.database?.entities ?? [])],
      migrations: [...platformMigrations],
    };
    for (const plugin of plugins) {
      database.entities.push(...(plugin.database?.entities ?? []));
      database.migrations.push(...(plugin.database?.migrations ?? []));
    }
    database.migrations.push(...(options.database?.migrations ?? []));
    const readiness = [...(options.readiness ?? []), ...plugins.flatMap((p) => p.readiness ?? [])];
    // Environment is read when the app is created, not when this file is imported, so that
    // runService can report a bad variable cleanly.
    return {
      module: PlatformModule,
      imports: [
        loggerModule(options.service),
        DatabaseModule.forRoot(database),
        RedisModule,
        DiscoveryModule,
        AuthModule.forRoot(),
        AuditModule,
        LinksModule,
        ...plugins.map((plugin) => plugin.module),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        ShutdownState,
        // Refuses to start while a route declares no policy.
        RoutePolicyCheck,
        DependencyHealth,
        { provide: SERVICE_NAME, useValue: options.service },
        {
          provide: READINESS_CHECKS,
          useFactory: (...checks: (ReadinessCheck | ReadinessCheck[])[]) => checks.flat(),
          inject: [
            DatabaseReadinessCheck,
            RedisReadinessCheck,
            AUTH_READINESS_CHECKS,
            ...readiness,
          ],
        },
        // Guards run in this order: who is calling, then how often.
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        // Handlers then run in a work context naming the caller (audit, scope check).
        { provide: APP_INTERCEPTOR, useClass: WorkContextInterceptor },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }

  /** Fail readiness first, so that traffic drains away while in-flight requests finish. */
  beforeApplicationShutdown(): void {
    this.shutdown.stopping = true;
  }
}
