import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from './config/load-config';
import { PlatformEnv } from './config/platform-env';
import { migrateDatabase } from './database/database.module';
import { RoutePolicyError } from './auth/route-policies';
import { HttpEnv } from './http/http-env';
import { secureHttp } from './http/http-security';
import { createValidationPipe } from './http/validation.pipe';
import { httpMetrics, servePublicMetrics } from './metrics/metrics';
import { SERVICES, ServiceName } from './services';

export const API_PREFIX = 'api/v1';

/** Applies what every service shares to an app, whether it comes from NestFactory or a test. */
export function configureService(app: INestApplication, service: ServiceName): INestApplication {
  const env = loadConfig(HttpEnv);
  app.useLogger(app.get(Logger));
  secureHttp(app, env);
  app.use(httpMetrics);
  if (env.METRICS_ACCESS === 'public') servePublicMetrics(app);
  app.setGlobalPrefix(API_PREFIX, {
    exclude: ['health/live', 'health/ready', 'health/details', 'metrics'],
  });
  app.useGlobalPipes(createValidationPipe());
  if (env.DOCS_ENABLED) serveDocs(app, service);
  return app;
}

/** The OpenAPI page at /docs (its Authorize button takes a bearer token) and JSON at /docs-json. */
function serveDocs(app: INestApplication, service: ServiceName): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`Tremplin ${service}`)
      .setDescription(
        `The ${service} service of Tremplin. Errors are application/problem+json (RFC 9457).`,
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/**
 * What a service's main.ts calls: validate the environment, boot, listen, stop cleanly.
 * `main.js migrate` only applies the database migrations and exits (the Kubernetes Job).
 */
export async function runService(appModule: Type<unknown>, service: ServiceName): Promise<void> {
  try {
    const env = loadConfig(PlatformEnv);
    if (process.argv[2] === 'migrate') {
      const applied = await migrateDatabase();
      process.stdout.write(
        `${service}: ${applied.length} migration(s) applied ${JSON.stringify(applied)}\n`,
      );
      return;
    }
    const app = configureService(
      // Silent until the JSON logger takes over: a failed start is reported once, below.
      await NestFactory.create(appModule, { logger: false, abortOnError: false }),
      service,
    );
    stopOnSignals(app, env.SHUTDOWN_GRACE_MS);
    await app.listen(env.PORT ?? SERVICES[service].port, '0.0.0.0');
  } catch (error) {
    // A bad environment or an unguarded route is a developer's or operator's to fix: say what
    // is wrong, without a stack trace.
    const refusal = findCause(error, ConfigError) ?? findCause(error, RoutePolicyError);
    process.stderr.write(`${service}: ${refusal ? refusal.message : (error as Error).stack}\n`);
    process.exit(1);
  }
}

function findCause<T extends Error>(error: unknown, type: Type<T>): T | undefined {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof type) return e;
  return undefined;
}

/**
 * On SIGTERM (Kubernetes) or SIGINT (Ctrl-C): fail readiness, stop taking requests, let in-flight
 * work and consumers drain, close connections, exit 0; exit 1 if that overruns the grace period.
 */
function stopOnSignals(app: INestApplication, graceMs: number): void {
  const stop = (signal: NodeJS.Signals) => {
    const logger = app.get(Logger);
    logger.log(`${signal} received: shutting down`);
    setTimeout(() => {
      logger.error(`shutdown took longer than ${graceMs} ms; exiting`);
      process.exit(1);
    }, graceMs).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(error instanceof Error ? error.stack : error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
