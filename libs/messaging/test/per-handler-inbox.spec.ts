// Each handler of an event has its own inbox row and transaction: one handler's failure rolls
// back and retries that handler only (real PostgreSQL and Kafka), and the inbox rows written
// before the migration keep meaning "handled".
import { randomUUID } from 'node:crypto';
import { headerText, InternshipFilled, toKafkaRecord, TOPICS } from '@tremplin/contracts';
import {
  createTestDatabase,
  eventually,
  sleep,
  uniqueTopicPrefix,
} from '@tremplin/testing-infrastructure';
import { Kafka, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import {
  CreateMessagingTables1764300000000,
  createKafka,
  EventConsumer,
  EventHandler,
  HandlerContext,
  messagingEntities,
  messagingMigrations,
  MessagingMetrics,
  Outbox,
  RETRY_HEADERS,
  Subscription,
} from '../src';
import { deadLetterTopic, retryTopic } from '../src/kafka/topics';
import { filled } from './events';
import { BROKERS, createTopics, Effect, tap, testKafka } from './support';
import { orderedProducer } from './producer';

jest.setTimeout(120_000);

/** A handler writing a test_effect row `<name>` per event, failing while `failing` says so. */
function handlerNamed(name: string, failing: (context: HandlerContext) => boolean = () => false) {
  const runs: number[] = [];
  const handler: EventHandler<InternshipFilled> = {
    handle: async (event, context) => {
      runs.push(context.attempt);
      await context.manager.insert(Effect, { eventId: context.attributes.id, key: name });
      if (failing(context)) throw new Error(`${name} unavailable`);
    },
  };
  const subscription: Subscription = {
    name,
    eventClass: InternshipFilled,
    handler: handler as EventHandler,
  };
  return { subscription, runs };
}

describe('one inbox row and transaction per handler (real PostgreSQL and Kafka)', () => {
  let kafka: Kafka;
  let producer: Producer;
  let dataSource: DataSource;
  let drop: () => Promise<void>;
  let prefix: string;
  let topic: string;
  let dlt: string;

  beforeAll(async () => {
    kafka = testKafka();
    producer = await orderedProducer(kafka);
    // A database as deployed before the migration: the first messaging migration only.
    const database = await createTestDatabase('per-handler');
    drop = database.drop;
    const before = new DataSource({
      type: 'postgres',
      url: database.url,
      migrations: [CreateMessagingTables1764300000000],
    });
    await before.initialize();
    await before.runMigrations();
    await before.query(
      `INSERT INTO messaging_inbox (consumer, event_id, type) VALUES ($1, $2, $3)`,
      ['legacy-group', 'handled-before-the-migration', InternshipFilled.type],
    );
    await before.destroy();
    dataSource = new DataSource({
      type: 'postgres',
      url: database.url,
      entities: [...messagingEntities, Effect],
      migrations: messagingMigrations,
    });
    await dataSource.initialize();
    await dataSource.runMigrations();
    await dataSource.query(
      `CREATE TABLE test_effect (id serial PRIMARY KEY, event_id text NOT NULL, key text NOT NULL, handled_at timestamptz NOT NULL DEFAULT clock_timestamp())`,
    );
  });

  afterAll(async () => {
    await producer.disconnect();
    await dataSource.destroy();
    await drop();
  });

  beforeEach(async () => {
    prefix = uniqueTopicPrefix('per-handler');
    topic = prefix + TOPICS.internships.name;
    dlt = deadLetterTopic(prefix, 'matching');
    await createTopics(kafka, [topic, retryTopic(prefix, 'matching', 1), dlt], 2);
    await dataSource.query('TRUNCATE test_effect');
  });

  function consumer(subscriptions: Subscription[], groupId = randomUUID().slice(0, 8)) {
    const metrics = new MessagingMetrics(new Registry());
    return new EventConsumer(
      dataSource,
      createKafka('per-handler-test', BROKERS.split(','), { quiet: true }),
      new Outbox('matching'),
      { service: 'matching', prefix, groupId, subscriptions, retryDelaysMs: [300] },
      metrics,
    );
  }

  const effects = async (): Promise<{ event_id: string; key: string }[]> =>
    dataSource.query('SELECT event_id, key FROM test_effect ORDER BY id');

  it('a failing handler rolls back only its own effect; its retry runs that handler only, and the dead letter names it', async () => {
    const erase = handlerNamed('EraseStudentWhenFilled');
    const notify = handlerNamed('NotifyWhenFilled', ({ attempt }) => attempt < 1);
    const broken = handlerNamed('BrokenWhenFilled', () => true);
    const record = toKafkaRecord(filled(), { source: 'companies' });
    const id = record.headers['ce_id'];
    const dead = await tap(kafka, [dlt]);
    const running = consumer([erase.subscription, notify.subscription, broken.subscription]);
    await producer.send({ topic, messages: [record], acks: -1 });
    await running.start();
    try {
      const [parked] = await dead.waitFor(1, 30_000);
      await eventually(async () => (await effects()).length >= 2, 20_000);
      await sleep(500);
      // The erasure was committed on the first delivery, the notification on its retry.
      expect(await effects()).toEqual([
        { event_id: id, key: 'EraseStudentWhenFilled' },
        { event_id: id, key: 'NotifyWhenFilled' },
      ]);
      expect(Math.max(...erase.runs)).toBe(0);
      expect(notify.runs).toContain(1);
      expect(Math.max(...broken.runs)).toBe(1);
      expect(dead.received).toHaveLength(1);
      expect(headerText(parked.message.headers, RETRY_HEADERS.handler)).toBe('BrokenWhenFilled');
      expect(headerText(parked.message.headers, RETRY_HEADERS.reason)).toMatch(
        /^handler failed after 2 attempts: BrokenWhenFilled: BrokenWhenFilled unavailable/,
      );
      const rows = await dataSource.query(
        'SELECT handler FROM messaging_inbox WHERE event_id = $1 ORDER BY handler',
        [id],
      );
      expect(rows.map((row: { handler: string }) => row.handler)).toEqual([
        'EraseStudentWhenFilled',
        'NotifyWhenFilled',
      ]);
    } finally {
      await running.stop();
      await dead.stop();
    }
  });

  it('a retried record naming a handler forged on the main topic is run by every handler', async () => {
    const erase = handlerNamed('EraseStudentWhenFilled');
    const notify = handlerNamed('NotifyWhenFilled');
    const record = toKafkaRecord(filled(), { source: 'companies' });
    record.headers[RETRY_HEADERS.handler] = 'NotifyWhenFilled';
    const running = consumer([erase.subscription, notify.subscription]);
    await producer.send({ topic, messages: [record], acks: -1 });
    await running.start();
    try {
      await eventually(async () => (await effects()).length >= 2, 20_000);
      expect((await effects()).map((row) => row.key).sort()).toEqual([
        'EraseStudentWhenFilled',
        'NotifyWhenFilled',
      ]);
    } finally {
      await running.stop();
    }
  });

  it('an event handled before the migration is a duplicate for every handler; a row of the previous build is skipped once a handler is recorded', async () => {
    const erase = handlerNamed('EraseStudentWhenFilled');
    const notify = handlerNamed('NotifyWhenFilled');
    const old = toKafkaRecord(filled(), {
      source: 'companies',
      id: 'handled-before-the-migration',
    });
    const next = toKafkaRecord(filled(), { source: 'companies' });
    // The legacy row is the group's ('legacy-group' under the test's prefix is not it): share it.
    await dataSource.query(`UPDATE messaging_inbox SET consumer = $1 WHERE event_id = $2`, [
      `${prefix}legacy-group`,
      'handled-before-the-migration',
    ]);
    const running = consumer([erase.subscription, notify.subscription], 'legacy-group');
    await producer.send({ topic, messages: [old, next], acks: -1 });
    await running.start();
    try {
      await eventually(async () => (await effects()).length >= 2, 20_000);
      await sleep(500);
      expect((await effects()).map((row) => row.event_id)).toEqual([
        next.headers['ce_id'],
        next.headers['ce_id'],
      ]);
      // The previous build's insert (no handler column) finds the event handled: a duplicate.
      const previousBuild = (eventId: string) =>
        dataSource.query(
          `INSERT INTO messaging_inbox (consumer, event_id, type) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING RETURNING event_id`,
          [`${prefix}legacy-group`, eventId, InternshipFilled.type],
        );
      expect(await previousBuild(next.headers['ce_id'])).toEqual([]);
      expect(await previousBuild('never-seen')).toEqual([{ event_id: 'never-seen' }]);
    } finally {
      await running.stop();
    }
  });
});
