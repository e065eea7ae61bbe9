import type { INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { configureService, ServiceName } from '@tremplin/platform';
import { createTestDatabase, serviceEnv, TestDatabase } from '@tremplin/testing-infrastructure';
import { randomBytes } from 'node:crypto';

/** A service's whole root module, in this process, on a fresh database and its own topics. */
export interface ServiceApp {
  app: INestApplication;
  database: TestDatabase;
  stop(): Promise<void>;
}

/**
 * Boots a service's root module as main.ts would (foundation, plugins, feature modules), with
 * the environment the tests give services; `env` adds or overrides variables.
 */
export async function startServiceApp(
  rootModule: Type<unknown>,
  service: ServiceName,
  env: Record<string, string> = {},
): Promise<ServiceApp> {
  const database = await createTestDatabase(`${service}_app`);
  Object.assign(process.env, {
    ...serviceEnv({
      databaseUrl: database.url,
      topicPrefix: `app-${randomBytes(3).toString('hex')}-`,
    }),
    ...env,
  });
  const module = await Test.createTestingModule({ imports: [rootModule] }).compile();
  const app = configureService(module.createNestApplication({ logger: false }), service);
  await app.init();
  return {
    app,
    database,
    stop: async () => {
      await app.close();
      await database.drop();
    },
  };
}
