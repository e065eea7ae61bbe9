import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { TEST_JWT_ISSUER, TEST_JWT_SECRET, TEST_REDIS_URL } from '@tremplin/testing-infrastructure';
import { configureService } from '../../src/bootstrap';
import { PlatformModule } from '../../src/platform.module';

/** Variables a test may set for one app, cleared before the next one. */
const HTTP_VARIABLES = [
  'HTTP_BODY_LIMIT',
  'CORS_ORIGINS',
  'TRUST_PROXY',
  'METRICS_ACCESS',
  'DOCS_ENABLED',
];

export const KIT_ENV = {
  REDIS_URL: TEST_REDIS_URL,
  JWT_SECRET: TEST_JWT_SECRET,
  JWT_ISSUER: TEST_JWT_ISSUER,
  LOG_LEVEL: 'warn',
};

/**
 * The service kit alone (PlatformModule, configureService) with the given test controllers, on
 * the given database, as a service's main.ts would start it; `env` adds variables.
 */
export async function startKitApp(options: {
  databaseUrl: string;
  controllers?: Type<unknown>[];
  env?: Record<string, string>;
}): Promise<INestApplication> {
  for (const name of HTTP_VARIABLES) delete process.env[name];
  Object.assign(process.env, KIT_ENV, { DATABASE_URL: options.databaseUrl }, options.env);
  const module = await Test.createTestingModule({
    imports: [PlatformModule.forRoot({ service: 'schools' })],
    controllers: options.controllers ?? [],
  }).compile();
  const app = configureService(module.createNestApplication({ logger: false }), 'schools');
  try {
    await app.init();
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
