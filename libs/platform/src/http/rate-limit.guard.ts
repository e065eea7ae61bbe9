import {
  CanActivate,
  ExecutionContext,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { IS_PUBLIC } from '../auth/public.decorator';
import type { Caller } from '../auth/roles';
import { loadConfig } from '../config/load-config';
import { PlatformEnv } from '../config/platform-env';
import { RedisClient } from '../redis/redis.module';
import { SERVICE_NAME, ServiceName } from '../services';
import { ProblemException } from './problem';

const WINDOW_SECONDS = 60;

/**
 * Caps API calls per authenticated caller per minute and per service (it runs after AuthGuard),
 * counted in Redis so that every replica of the service shares the count; each service has a
 * budget of its own, so a busy caller of one does not lock it out of the others. Health,
 * metrics and docs are not limited.
 * If Redis is unreachable the call goes through: readiness reports Redis, the API stays up.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private readonly logger = new Logger(RateLimitGuard.name);
  private readonly limit = loadConfig(PlatformEnv).RATE_LIMIT_PER_MINUTE;

  constructor(
    private readonly redis: RedisClient,
    private readonly reflector: Reflector,
    @Inject(SERVICE_NAME) private readonly service: ServiceName,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (
      this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
        context.getHandler(),
        context.getClass(),
      ])
    ) {
      return true;
    }
    const http = context.switchToHttp();
    const request = http.getRequest<Request & { caller?: Caller }>();
    const window = Math.floor(Date.now() / 1000 / WINDOW_SECONDS);
    const who = request.caller?.subject ?? 'anonymous'; // AuthGuard has set the caller
    const key = `ratelimit:${this.service}:${who}:${window}`;

    let count: number;
    try {
      const [[, incremented]] = (await this.redis
        .multi()
        .incr(key)
        .expire(key, WINDOW_SECONDS * 2)
        .exec()) as [[Error | null, number]];
      count = incremented;
    } catch (error) {
      this.logger.warn(`rate limit not applied, Redis unavailable: ${(error as Error).message}`);
      return true;
    }

    const response = http.getResponse<Response>();
    response.setHeader('RateLimit-Limit', this.limit);
    response.setHeader('RateLimit-Remaining', Math.max(0, this.limit - count));
    if (count > this.limit) {
      const retryAfter = (window + 1) * WINDOW_SECONDS - Math.floor(Date.now() / 1000);
      response.setHeader('Retry-After', retryAfter);
      throw new ProblemException(
        HttpStatus.TOO_MANY_REQUESTS,
        `More than ${this.limit} calls per minute; retry in ${retryAfter} s`,
      );
    }
    return true;
  }
}
