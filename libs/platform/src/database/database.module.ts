import { DynamicModule, Injectable, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, EntitySchema } from 'typeorm';
import { loadConfig } from '../config/load-config';
import { PlatformEnv } from '../config/platform-env';
import { ReadinessCheck } from '../health/readiness-check';
import { UseCaseRunner } from '../use-cases/use-case';
import { ScopeCheck } from '../scope/scope-check';
import { ResilientClient } from './resilient-client';

// TypeORM's own option types: entity classes and migration classes.
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type ClassList = (Function | EntitySchema)[];

export interface DatabaseOptions {
  entities: ClassList;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: Function[];
}

@Injectable()
export class DatabaseReadinessCheck extends ReadinessCheck {
  readonly name = 'database';
  /** The one dependency without which the pod serves nothing. */
  override readonly required = true;
  constructor(private readonly dataSource: DataSource) {
    super();
  }
  async check(): Promise<void> {
    await this.dataSource.query('SELECT 1');
  }
}

/**
 * The service's own PostgreSQL database. Migrations run at start-up (one transaction each);
 * the schema is never synchronised from entities.
 */
@Module({})
export class DatabaseModule {
  /** What the app module declared, so that `main.js migrate` can run the same migrations. */
  static declared?: DatabaseOptions;

  static forRoot(options: DatabaseOptions): DynamicModule {
    DatabaseModule.declared = options;
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...dataSourceOptions(loadConfig(PlatformEnv), options),
            // Keep retrying the first connection briefly; readiness reports it meanwhile.
            retryAttempts: 10,
            retryDelay: 1_000,
          }),
        }),
      ],
      providers: [DatabaseReadinessCheck, UseCaseRunner],
      exports: [DatabaseReadinessCheck, UseCaseRunner],
    };
  }
}

/** Shared by the Nest module and the migrate command, so both see the same schema. */
function dataSourceOptions(env: PlatformEnv, options: DatabaseOptions) {
  return {
    type: 'postgres' as const,
    url: env.DATABASE_URL,
    entities: options.entities,
    migrations: options.migrations,
    migrationsRun: env.RUN_MIGRATIONS_AT_START,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    subscribers: [ScopeCheck],
    // A dead database must fail queries fast instead of hanging requests and probes.
    extra: { max: 10, connectionTimeoutMillis: 2_000, Client: ResilientClient },
  };
}

/**
 * Applies the pending migrations of the service's app module and returns their names: the
 * Kubernetes migration Job runs this once per release instead of every replica at start-up.
 */
export async function migrateDatabase(): Promise<string[]> {
  if (!DatabaseModule.declared)
    throw new Error('The app module imports no DatabaseModule.forRoot(...)');
  const dataSource = new DataSource({
    ...dataSourceOptions(loadConfig(PlatformEnv), DatabaseModule.declared),
    migrationsRun: false,
  });
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
