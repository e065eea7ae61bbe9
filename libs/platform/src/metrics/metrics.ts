import { Controller, Get, Header, INestApplication } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { collectDefaultMetrics, Counter, Histogram, register } from 'prom-client';
import { Roles } from '../auth/roles';

// One registry per process (prom-client's default), shared with the messaging metrics.
let defaultsCollected = false;
function collectProcessMetricsOnce(): void {
  if (defaultsCollected) return;
  collectDefaultMetrics();
  defaultsCollected = true;
}

const httpRequests = new Counter({
  name: 'http_requests_total',
  help: 'HTTP requests answered, by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
});

const httpDuration = new Histogram({
  name: 'http_request_duration_seconds',
  help: 'HTTP request durations, by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
});

/**
 * Express middleware that counts and times every request; the route label is the matched
 * route pattern (known once the response finishes), never the raw URL.
 */
export function httpMetrics(request: Request, response: Response, next: NextFunction): void {
  const stop = httpDuration.startTimer();
  response.on('finish', () => {
    const route: string = request.route?.path ?? 'unmatched';
    const labels = { method: request.method, route, status: String(response.statusCode) };
    httpRequests.inc(labels);
    stop(labels);
  });
  next();
}

/**
 * `GET /metrics` for admins and services (METRICS_ACCESS=admin). With METRICS_ACCESS=public,
 * servePublicMetrics answers the same path first, before any guard.
 */
@ApiExcludeController()
@Roles('admin', 'service')
@Controller('metrics')
export class MetricsController {
  constructor() {
    collectProcessMetricsOnce();
  }

  @Get()
  @Header('Content-Type', register.contentType)
  scrape(): Promise<string> {
    return register.metrics();
  }
}

/**
 * Opens /metrics to every caller (Prometheus scrapes without a token): an Express route
 * registered before Nest's routes (which are added at init), so it answers first.
 */
export function servePublicMetrics(app: INestApplication): void {
  collectProcessMetricsOnce();
  app.getHttpAdapter().get('/metrics', (_request: Request, response: Response) => {
    register.metrics().then(
      (text) => response.type(register.contentType).send(text),
      () => response.status(500).end(),
    );
  });
}
