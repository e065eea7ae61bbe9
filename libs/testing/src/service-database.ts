import { messagingEntities, messagingMigrations } from '@tremplin/messaging';
import { DatabaseOptions, ScopeCheck } from '@tremplin/platform';
import { createTestDatabase } from '@tremplin/testing-infrastructure';
import { DataSource } from 'typeorm';

/** A service's schema on a throwaway database, as its migrations build it. */
export interface ServiceDatabase {
  dataSource: DataSource;
  drop(): Promise<void>;
}

/**
 * A fresh database with the service's tables and the messaging ones (outbox, inbox), migrated
 * in the order the service migrates them: for the use-case tests of an app.
 */
export async function createServiceDatabase(
  label: string,
  schema: DatabaseOptions,
): Promise<ServiceDatabase> {
  const database = await createTestDatabase(label);
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    entities: [...schema.entities, ...messagingEntities],
    migrations: [...messagingMigrations, ...schema.migrations],
    synchronize: false,
    subscribers: [ScopeCheck],
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    dataSource,
    drop: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
