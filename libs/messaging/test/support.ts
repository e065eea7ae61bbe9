// Test helpers for this library's own specs (libs/testing depends on messaging, not the reverse).
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Admin, Consumer, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { Client } from 'pg';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { messagingEntities, messagingMigrations } from '../src';
import { ensureTopics } from '../src/kafka/topics';

export const BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
const ADMIN_URL = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The effect the test handlers write: one row per handled event. */
@Entity({ name: 'test_effect' })
export class Effect {
  @PrimaryGeneratedColumn()
  id: number;

  @Column({ name: 'event_id', type: 'text' })
  eventId: string;

  @Column({ type: 'text' })
  key: string;

  @Column({ name: 'handled_at', type: 'timestamptz', default: () => 'clock_timestamp()' })
  handledAt: Date;
}

export function uniquePrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}.`;
}

export interface TestDatabase {
  name: string;
  url: string;
  dataSource: DataSource;
  drop(): Promise<void>;
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh database with the messaging tables (by their migration) and the test effect table. */
export async function createDatabase(label: string, poolSize = 10): Promise<TestDatabase> {
  const name = `tremplin_test_${label.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE "${name}"`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const dataSource = new DataSource({
    type: 'postgres',
    url: url.toString(),
    entities: [...messagingEntities, Effect],
    migrations: messagingMigrations,
    extra: { max: poolSize },
  });
  await dataSource.initialize();
  await dataSource.runMigrations();
  await dataSource.query(
    `CREATE TABLE test_effect (id serial PRIMARY KEY, event_id text NOT NULL, key text NOT NULL, handled_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
  );
  return {
    name,
    url: url.toString(),
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

export function testKafka(brokers = BROKERS): Kafka {
  return new Kafka({
    clientId: 'test',
    brokers: brokers.split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 10, initialRetryTime: 200, maxRetryTime: 3000 },
  });
}

export async function createTopics(kafka: Kafka, topics: string[], partitions = 3): Promise<void> {
  const admin: Admin = kafka.admin();
  await admin.connect();
  try {
    await ensureTopics(
      admin,
      topics.map((topic) => ({ topic, numPartitions: partitions })),
    );
  } finally {
    await admin.disconnect();
  }
}

export interface Received {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

/** Reads topics from the beginning into an array until stopped. */
export async function tap(
  kafka: Kafka,
  topics: string[],
): Promise<{
  received: Received[];
  stop(): Promise<void>;
  waitFor(count: number, timeoutMs: number): Promise<Received[]>;
}> {
  const received: Received[] = [];
  const consumer: Consumer = kafka.consumer({
    groupId: `tap-${randomBytes(4).toString('hex')}`,
    maxWaitTimeInMs: 100,
  });
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      received.push({ topic, partition, message });
    },
  });
  return {
    received,
    stop: () => consumer.disconnect(),
    waitFor: async (count, timeoutMs) => {
      await eventually(
        () => received.length >= count,
        timeoutMs,
        () => `received ${received.length} of ${count}`,
      );
      return received;
    },
  };
}

export async function eventually(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  describe: () => string = () => '',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms ${describe()}`);
    await sleep(50);
  }
}

export const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Kills (pg_terminate_backend) the connections opened under `applicationName`, `times` times; a
 * round that finds none does not count. Returns the kills made before the deadline.
 */
export async function killConnections(
  dataSource: DataSource,
  applicationName: string,
  times: number,
  timeoutMs = 30_000,
): Promise<number> {
  let kills = 0;
  const deadline = Date.now() + timeoutMs;
  while (kills < times && Date.now() < deadline) {
    const [{ n }] = await dataSource.query(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1`,
      [applicationName],
    );
    if (n > 0) kills++;
    await sleep(n > 0 ? 300 : 20);
  }
  return kills;
}

/** A prom-client metric's series whose labels match, added up (as a /metrics reader would). */
export async function metricTotal(
  metric:
    | {
        get(): Promise<{
          values: { labels: Partial<Record<string, string | number>>; value: number }[];
        }>;
      }
    | undefined,
  labels: Record<string, string> = {},
): Promise<number> {
  const values = (await metric?.get())?.values ?? [];
  return values
    .filter((v) => Object.entries(labels).every(([name, value]) => v.labels[name] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

/** Outbox rows the relay has not published yet. */
export async function unsentRows(dataSource: DataSource): Promise<number> {
  const [{ n }] = await dataSource.query(
    'SELECT count(*)::int AS n FROM messaging_outbox WHERE sent_at IS NULL',
  );
  return n;
}

/** The database's URL with an application_name of its own (what killConnections targets). */
export function withApplicationName(url: string, applicationName: string): string {
  const named = new URL(url);
  named.searchParams.set('application_name', applicationName);
  return named.toString();
}

export function header(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString();
}

const KAFKA_SCRIPT = resolve(__dirname, '../../../scripts/kafka.sh');
const run = promisify(execFile);

/** A private broker for the tests that stop and restart one (never the shared 9092). */
export class PrivateBroker {
  readonly brokers: string;
  private readonly home = mkdtempSync(join(tmpdir(), 'tremplin-messaging-kafka-'));

  constructor(readonly port: number) {
    this.brokers = `127.0.0.1:${port}`;
  }

  private async script(command: 'start' | 'stop'): Promise<void> {
    await run('bash', [KAFKA_SCRIPT, command], {
      env: {
        ...process.env,
        KAFKA_PORT: String(this.port),
        KAFKA_CONTROLLER_PORT: String(this.port + 1),
        KAFKA_HOME_DIR: this.home,
      },
      timeout: 180_000,
    });
  }

  start(): Promise<void> {
    return this.script('start');
  }

  stop(): Promise<void> {
    return this.script('stop');
  }

  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.home, { recursive: true, force: true });
  }
}

const WORKSPACE = resolve(__dirname, '../../..');

/**
 * Starts test/faults/consumer-process.ts (a consumer in its own process, configured by `env`)
 * and resolves once it prints `ready`: "started" (connected) or "joined" (in its group).
 */
export function spawnConsumerProcess(
  env: Record<string, string>,
  ready: 'started' | 'joined' = 'started',
): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ['-r', '@swc-node/register', join(__dirname, 'faults', 'consumer-process.ts')],
    { cwd: WORKSPACE, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  return new Promise((done, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) done(child);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.on('exit', (code, signal) => {
      if (!output.includes(ready))
        fail(
          new Error(`consumer process exited (${code ?? signal}) before it ${ready}: ${output}`),
        );
    });
  });
}
