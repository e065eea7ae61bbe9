// Test helpers of this library's own specs that need messaging or kafkajs. The infrastructure
// ones (throwaway databases, private brokers, topic prefixes, waiting) are in
// @tremplin/testing-infrastructure.
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import { InternshipFilled, MeetupScheduled, TOPICS } from '@tremplin/contracts';
import {
  createTestDatabase,
  eventually,
  SHARED_KAFKA_BROKERS,
  sleep,
  TestDatabase as EmptyDatabase,
} from '@tremplin/testing-infrastructure';
import { Admin, Consumer, Kafka, KafkaMessage, logLevel } from 'kafkajs';
import { Column, DataSource, Entity, PrimaryGeneratedColumn } from 'typeorm';
import {
  EventHandler,
  HandlerContext,
  Handles,
  messagingEntities,
  messagingMigrations,
} from '../src';
import { deadLetterTopic, ensureTopics, retryTopic } from '../src/kafka/topics';

// Under their former names, for src/consumer/ specs and bench/ that still import them from here.
export {
  eventually,
  sleep,
  SHARED_KAFKA_BROKERS as BROKERS,
  uniqueTopicPrefix as uniquePrefix,
} from '@tremplin/testing-infrastructure';

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

/** A meetup with this many companies: about 39 bytes of JSON each (an event of a chosen size). */
export function meetup(companies: number, meetupId: string = randomUUID()): MeetupScheduled {
  return MeetupScheduled.of({
    meetupId,
    academy: '16',
    companyIds: Array.from({ length: companies }, () => randomUUID()),
    schoolIds: [randomUUID()],
    startsAt: '2025-11-20T13:30:00.000Z',
    endsAt: '2025-11-20T17:00:00.000Z',
    communeCode: '31555',
    slotMinutes: 10,
  });
}

/** The plainest test handler: one test_effect row per event handled, keyed by internship. */
@Handles(InternshipFilled)
export class RecordEffectWhenInternshipFilled implements EventHandler<InternshipFilled> {
  async handle(event: InternshipFilled, { manager, attributes }: HandlerContext): Promise<void> {
    await manager.insert(Effect, { eventId: attributes.id, key: event.internshipId });
  }
}

/** A throwaway database, open, with the messaging tables (by their migration) and test_effect. */
export interface TestDatabase extends EmptyDatabase {
  dataSource: DataSource;
}

export async function createDatabase(label: string, poolSize = 10): Promise<TestDatabase> {
  const database = await createTestDatabase(label);
  const dataSource = new DataSource({
    type: 'postgres',
    url: database.url,
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
    ...database,
    dataSource,
    drop: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await database.drop();
    },
  };
}

export function testKafka(brokers = SHARED_KAFKA_BROKERS): Kafka {
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

/**
 * The internships topic under `prefix`, with the retry (one level) and dead-letter topics of the
 * 'matching' consumer that the fault tests run on it.
 */
export async function createInternshipTopics(
  kafka: Kafka,
  prefix: string,
  partitions: number,
): Promise<{ topic: string; deadLetter: string }> {
  const topic = prefix + TOPICS.internships.name;
  const deadLetter = deadLetterTopic(prefix, 'matching');
  await createTopics(kafka, [topic, retryTopic(prefix, 'matching', 1), deadLetter], partitions);
  return { topic, deadLetter };
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

/** The test_effect rows written so far, and how many distinct events they are for. */
export async function effectCounts(
  dataSource: DataSource,
): Promise<{ effects: number; distinct: number }> {
  const [counts] = await dataSource.query(
    'SELECT count(*)::int AS effects, count(DISTINCT event_id)::int AS distinct FROM test_effect',
  );
  return counts;
}

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

export function header(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString();
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
