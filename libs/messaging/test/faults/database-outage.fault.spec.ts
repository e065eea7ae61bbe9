import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { toKafkaRecord, TOPICS } from '@tremplin/contracts';
import { ResilientClient } from '@tremplin/platform';
import {
  eventually,
  SHARED_KAFKA_BROKERS,
  sleep,
  uniqueTopicPrefix,
  withApplicationName,
} from '@tremplin/testing-infrastructure';
import { Partitioners } from 'kafkajs';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { createKafka, messagingEntities, MessagingMetrics, Outbox, OutboxRelay } from '../../src';
import { filled } from '../events';
import {
  createDatabase,
  createInternshipTopics,
  createTopics,
  effectCounts,
  header,
  killConnections,
  spawnConsumerProcess,
  tap,
  TestDatabase,
  testKafka,
  unsentRows,
} from '../support';

jest.setTimeout(180_000);

const EVENTS = 3000;
const KEYS = 40;
const KILLS = 5;

/**
 * Database connections are killed (pg_terminate_backend) again and again mid-stream. The
 * consumer retries its failed chunks in place: every effect once, in order per key, and the
 * process never stops. The relay rolls back and publishes again: nothing lost, order kept.
 */
describe('fault: database connections killed mid-stream', () => {
  let db: TestDatabase;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    db = await createDatabase('dbkill');
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await db.drop();
  });

  it(`applies each of ${EVENTS} events once and in order per key while its connections are killed ${KILLS} times`, async () => {
    const prefix = uniqueTopicPrefix('dbkill');
    const kafka = testKafka();
    const { topic } = await createInternshipTopics(kafka, prefix, 4);
    const keys = Array.from({ length: KEYS }, () => randomUUID());
    const records = Array.from({ length: EVENTS }, (_, index) =>
      toKafkaRecord(filled(keys[index % KEYS]), { source: 'companies' }),
    );
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    for (let i = 0; i < records.length; i += 500)
      await producer.send({ topic, messages: records.slice(i, i + 500) });
    await producer.disconnect();

    const applicationName = `dbkill-${randomUUID().slice(0, 8)}`;
    child = await spawnConsumerProcess({
      DATABASE_URL: withApplicationName(db.url, applicationName),
      KAFKA_TOPIC_PREFIX: prefix,
      GROUP_ID: applicationName,
      CHUNK_SIZE: '50',
    });
    const count = async (): Promise<number> => (await effectCounts(db.dataSource)).effects;

    await eventually(
      async () => (await count()) >= 200,
      60_000,
      () => 'before the first kill',
    );
    const kills = await killConnections(db.dataSource, applicationName, KILLS);
    const afterKills = await count();
    expect(kills).toBe(KILLS);
    expect(afterKills).toBeLessThan(EVENTS); // the kills hit a stream in progress

    await eventually(
      async () => (await count()) >= EVENTS,
      120_000,
      () => `after the kills (${afterKills} then)`,
    );
    await sleep(1500); // let any late duplicate show up
    const { effects, distinct } = await effectCounts(db.dataSource);
    expect({ effects, distinct }).toEqual({ effects: EVENTS, distinct: EVENTS });
    expect(child.exitCode).toBeNull();

    // Per key, effects were written in the order the events were published.
    const position = new Map(records.map((record, index) => [record.headers['ce_id'], index]));
    const rows: { event_id: string; key: string }[] = await db.dataSource.query(
      'SELECT event_id, key FROM test_effect ORDER BY id',
    );
    const lastByKey = new Map<string, number>();
    const outOfOrder = rows.filter((row) => {
      const at = position.get(row.event_id) as number;
      const before = lastByKey.get(row.key) ?? -1;
      lastByKey.set(row.key, at);
      return at < before;
    });
    expect(outOfOrder).toEqual([]);
  });
  it(`publishes each of ${EVENTS} outbox events, in order per key, while the relay's connections are killed ${KILLS} times`, async () => {
    const prefix = uniqueTopicPrefix('relaykill');
    const kafka = testKafka();
    const topic = prefix + TOPICS.internships.name;
    await createTopics(kafka, [topic], 4);
    const keys = Array.from({ length: KEYS }, () => randomUUID());
    const outbox = new Outbox('companies');
    const ids: string[] = [];
    for (let i = 0; i < EVENTS; i += 500)
      ids.push(
        ...(await db.dataSource.transaction((manager) =>
          outbox.publish(
            manager,
            Array.from({ length: 500 }, (_, offset) => filled(keys[(i + offset) % KEYS])),
          ),
        )),
      );

    const applicationName = `relaykill-${randomUUID().slice(0, 8)}`;
    const relayDataSource = new DataSource({
      type: 'postgres',
      url: withApplicationName(db.url, applicationName),
      entities: messagingEntities,
      extra: { Client: ResilientClient }, // as the services' pools
    });
    await relayDataSource.initialize();
    // Small batches: many transactions for the kills to land in.
    const relay = new OutboxRelay(
      relayDataSource,
      createKafka('relaykill', SHARED_KAFKA_BROKERS.split(','), { quiet: true }),
      { prefix, batchSize: 20 },
      new MessagingMetrics(new Registry()),
    );
    const reader = await tap(kafka, [topic]);
    try {
      relay.start();
      await eventually(
        () => reader.received.length >= 100,
        30_000,
        () => 'before the first kill',
      );
      const kills = await killConnections(db.dataSource, applicationName, KILLS);
      expect(kills).toBe(KILLS);
      expect(reader.received.length).toBeLessThan(EVENTS); // the kills hit a stream in progress
      await eventually(
        async () => (await unsentRows(db.dataSource)) === 0,
        60_000,
        () => 'unsent rows left',
      );
      const seen = new Set<string>();
      await eventually(
        () => {
          for (const { message } of reader.received) seen.add(header(message, 'ce_id') ?? '');
          return seen.size >= EVENTS;
        },
        30_000,
        () => `${seen.size} distinct events received`,
      );
    } finally {
      await relay.stop();
      await reader.stop();
      await relayDataSource.destroy();
    }
    // At least once on the wire (a batch whose commit was killed is sent again); per key, first
    // appearances follow the outbox order.
    expect(new Set(ids)).toEqual(
      new Set(reader.received.map(({ message }) => header(message, 'ce_id'))),
    );
    const position = new Map(ids.map((id, index) => [id, index]));
    const lastByKey = new Map<string, number>();
    const firstSeen = new Set<string>();
    const outOfOrder = reader.received.filter(({ message }) => {
      const id = header(message, 'ce_id') as string;
      if (firstSeen.has(id)) return false;
      firstSeen.add(id);
      const key = message.key?.toString() ?? '';
      const at = position.get(id) as number;
      const before = lastByKey.get(key) ?? -1;
      lastByKey.set(key, at);
      return at < before;
    });
    expect(outOfOrder).toEqual([]);
  });
});
