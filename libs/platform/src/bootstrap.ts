import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ConfigError, loadConfig } from './config/load-config';
import { PlatformEnv } from './config/platform-env';
import { createValidationPipe } from './http/validation.pipe';
import { SERVICES, ServiceName } from './services';

export const API_PREFIX = 'api/v1';

/** Applies what every service shares to an app, whether it comes from NestFactory or a test. */
export function configureService(app: INestApplication, service: ServiceName): INestApplication {
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix(API_PREFIX, { exclude: ['health/live', 'health/ready', 'metrics'] });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(`Tremplin ${service}`)
      .setDescription(`The ${service} service of Tremplin. Errors are application/problem+json (RFC 9457).`)
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}

/** What a service's main.ts calls: validate the environment, boot, listen, stop cleanly. */
export async function runService(appModule: Type<unknown>, service: ServiceName): Promise<void> {
  try {
    const env = loadConfig(PlatformEnv);
    const app = configureService(
      await NestFactory.create(appModule, { bufferLogs: true }),
      service,
    );
    exitAfterGracePeriodOnSigterm(env.SHUTDOWN_GRACE_MS);
    await app.listen(env.PORT ?? SERVICES[service].port, '0.0.0.0');
  } catch (error) {
    // A bad environment is the operator's to fix: say what is wrong, without a stack trace.
    const configError = findConfigError(error);
    process.stderr.write(`${service}: ${configError ? configError.message : (error as Error).stack}\n`);
    process.exit(1);
  }
}

function findConfigError(error: unknown): ConfigError | undefined {
  for (let e = error; e instanceof Error; e = e.cause) if (e instanceof ConfigError) return e;
  return undefined;
}

/** Nest drains in-flight work on SIGTERM; this bounds it to the grace period the platform gives. */
function exitAfterGracePeriodOnSigterm(graceMs: number): void {
  process.once('SIGTERM', () => {
    setTimeout(() => {
      process.stderr.write(`shutdown took longer than ${graceMs} ms; exiting\n`);
      process.exit(1);
    }, graceMs).unref();
  });
}
