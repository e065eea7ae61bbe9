import type { ServiceName } from '@tremplin/contracts';
import { Client } from 'pg';
import { createTestDatabase, TestDatabase, withApplicationName } from './database';
import { freePort } from './ports';
import { serviceEnv } from './service-env';
import { ServiceProcess } from './service-process';

/** A built service, ready, on a fresh database of its own. */
export interface ServiceOnOwnDatabase {
  service: ServiceProcess;
  database: TestDatabase;
  /** Connected to the service's database, to look at what it stored. */
  db: Client;
  stop(): Promise<void>;
}

export async function startServiceOnOwnDatabase(
  name: ServiceName,
  options: {
    /** Names the database. */
    label: string;
    /** Added to (or overriding) serviceEnv's variables. */
    env?: Record<string, string>;
    /** PostgreSQL application_name of the service's connections (to find them in pg_stat_activity). */
    applicationName?: string;
  },
): Promise<ServiceOnOwnDatabase> {
  const database = await createTestDatabase(options.label);
  const url = options.applicationName
    ? withApplicationName(database.url, options.applicationName)
    : database.url;
  const service = new ServiceProcess(name, await freePort(), {
    ...serviceEnv({ databaseUrl: url }),
    ...options.env,
  });
  const db = new Client({ connectionString: database.url });
  const stop = async () => {
    await db.end().catch(() => undefined);
    await service.stop();
    await database.drop();
  };
  try {
    await service.waitFor('/health/ready');
    await db.connect();
  } catch (error) {
    await stop();
    throw error;
  }
  return { service, database, db, stop };
}
