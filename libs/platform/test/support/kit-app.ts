import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
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

// testing-infrastructure depends on the kit: the kit's own tests cannot use it.
const ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const KIT_ENV = {
  REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  JWT_SECRET: 'tremplin-kit-test-secret-0123456789',
  LOG_LEVEL: 'warn',
};

/** A throwaway database for one test file. */
export async function createKitDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tremplin_test_kit_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: ADMIN_URL });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

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
