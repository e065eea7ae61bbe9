import { createTestDatabase } from '@tremplin/testing-infrastructure';
import { DataSource } from 'typeorm';
import { platformEntities, platformMigrations } from '../../src/migrations';

export interface KitDatabase {
  dataSource: DataSource;
  url: string;
  drop(): Promise<void>;
}

/** A fresh database with the kit's own tables, as its migrations build them in every service. */
export async function createKitDatabase(label: string): Promise<KitDatabase> {
  const database = await createTestDatabase(label);
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
    entities: platformEntities,
    migrations: platformMigrations,
  });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return {
    dataSource,
    url: database.url,
    drop: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
