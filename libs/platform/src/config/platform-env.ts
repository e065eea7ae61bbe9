import { IsIn, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';

import { IsEnvBoolean } from './load-config';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Variables every service reads. Names are shared across services (DESIGN.md, "Operations");
 * the messaging library declares the Kafka ones, AuthEnv (auth/auth-env.ts) the token ones.
 */
export class PlatformEnv {
  /** Overrides the service's default port from SERVICES. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(65535)
  PORT?: number;

  @IsString()
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** postgres://user@host:port/database */
  @IsString()
  @MinLength(1)
  DATABASE_URL: string;

  /** redis://host:port */
  @IsString()
  @MinLength(1)
  REDIS_URL: string;

  /** API calls allowed per authenticated caller per minute, across replicas (Redis). */
  @IsInt()
  @Min(1)
  RATE_LIMIT_PER_MINUTE: number = 600;

  /** Kubernetes sets false and runs `main.js migrate` as a Job before the rollout. */
  @IsEnvBoolean()
  RUN_MIGRATIONS_AT_START = true;

  /** Milliseconds given to in-flight work on SIGTERM before the process exits anyway. */
  @IsInt()
  @Min(0)
  SHUTDOWN_GRACE_MS: number = 10_000;
}
