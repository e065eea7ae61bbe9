import { randomUUID } from 'node:crypto';
import { headerText, InternshipFilled } from '@tremplin/contracts';
import { Registry } from 'prom-client';
import { eventually, sleep, uniqueTopicPrefix } from '@tremplin/testing-infrastructure';
import { filled } from '../../test/events';
import {
  createDatabase,
  createInternshipTopics,
  RecordEffectWhenInternshipFilled,
  tap,
  TestDatabase,
  testKafka,
} from '../../test/support';
import { EventConsumer } from '../consumer/event-consumer';
import { createKafka } from '../kafka/client';
import { MessagingMetrics } from '../metrics';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';

jest.setTimeout(180_000);

/**
 * Writers of one service: `writers` concurrent loops, `each` transactions apiece, every one on a
 * random key of `keys`. A transaction publishes its event, works a little (a random 0-4 ms), then
 * takes the key's counter row: the counter's value is the transaction's rank in the commit order
 * of its key (the row lock is held until the commit, so the next writer of the key only gets it
 * once this one has committed). Returns, per key, the event ids in commit order.
 */
async function concurrentWriters(
  db: TestDatabase,
  keys: string[],
  writers: number,
  each: number,
): Promise<Map<string, string[]>> {
  const outbox = new Outbox('companies');
  await db.dataSource.query(
    `CREATE TABLE IF NOT EXISTS test_commit_order (key text NOT NULL, rank int NOT NULL, event_id uuid NOT NULL);
     CREATE TABLE IF NOT EXISTS test_key_counter (key text PRIMARY KEY, n int NOT NULL)`,
  );
  await db.dataSource.query(
    `INSERT INTO test_key_counter (key, n) SELECT k, 0 FROM unnest($1::text[]) AS k`,
    [keys],
  );
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (let i = 0; i < each; i++) {
        const key = keys[Math.floor(Math.random() * keys.length)];
        await db.dataSource.transaction(async (manager) => {
          const [eventId] = await outbox.publish(manager, filled(key));
          await sleep(Math.floor(Math.random() * 5));
          const [[{ n }]] = await manager.query(
            `UPDATE test_key_counter SET n = n + 1 WHERE key = $1 RETURNING n`,
            [key],
          );
          await manager.query(
            `INSERT INTO test_commit_order (key, rank, event_id) VALUES ($1, $2, $3)`,
            [key, n, eventId],
          );
        });
      }
    }),
  );
  const rows: { key: string; event_id: string }[] = await db.dataSource.query(
    `SELECT key, event_id FROM test_commit_order WHERE key = ANY($1) ORDER BY key, rank`,
    [keys],
  );
  return byKey(rows.map((row) => [row.key, row.event_id]));
}

function byKey(pairs: [key: string, id: string][]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const [key, id] of pairs) map.set(key, [...(map.get(key) ?? []), id]);
  return map;
}

describe('Per-key order with concurrent writers (real PostgreSQL and Kafka)', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createDatabase('per_key_order', 24);
  });

  afterAll(async () => {
    await db.drop();
  });

  const relay = (prefix: string) =>
    new OutboxRelay(
      db.dataSource,
      createKafka('order-test', ['127.0.0.1:9092'], { quiet: true }),
      { prefix },
      new MessagingMetrics(new Registry()),
    );

  it('publishes the events of each key in the commit order of their transactions, 16 writers on 8 keys', async () => {
    const prefix = uniqueTopicPrefix('order');
    const kafka = testKafka();
    const { topic } = await createInternshipTopics(kafka, prefix, 3);
    const keys = Array.from({ length: 8 }, () => randomUUID());
    const reader = await tap(kafka, [topic]);
    const running = relay(prefix);
    running.start();
    try {
      const committed = await concurrentWriters(db, keys, 16, 40);
      const received = await reader.waitFor(16 * 40, 60_000);
      const published = byKey(
        received.map((r) => [
          r.message.key?.toString() as string,
          headerText(r.message.headers, 'ce_id') as string,
        ]),
      );
      for (const key of keys) expect(published.get(key)).toEqual(committed.get(key));
    } finally {
      await running.stop();
      await reader.stop();
    }
  });

  it('hands each key its events in commit order across rebalances of a group of two consumers', async () => {
    const prefix = uniqueTopicPrefix('order_rebalance');
    const kafka = testKafka();
    await createInternshipTopics(kafka, prefix, 6);
    const keys = Array.from({ length: 24 }, () => randomUUID());
    const groupId = `matching-${randomUUID().slice(0, 8)}`;
    const member = () =>
      new EventConsumer(
        db.dataSource,
        createKafka('order-rebalance', ['127.0.0.1:9092'], { quiet: true }),
        new Outbox('matching'),
        {
          service: 'matching',
          prefix,
          groupId,
          subscriptions: [
            {
              name: 'RecordEffectWhenInternshipFilled',
              eventClass: InternshipFilled,
              handler: new RecordEffectWhenInternshipFilled(),
            },
          ],
          retryDelaysMs: [200],
          sessionTimeoutMs: 10_000,
        },
        new MessagingMetrics(new Registry()),
      );
    const first = member();
    const second = member();
    const running = relay(prefix);
    await first.start();
    running.start();
    try {
      // The second member joins while events flow, then the first leaves: two rebalances.
      const writing = concurrentWriters(db, keys, 8, 150);
      await eventually(
        async () => (await handled(keys)).length >= 300,
        60_000,
        () => 'the first member handles events',
      );
      await second.start();
      await eventually(async () => (await handled(keys)).length >= 700, 60_000);
      await first.stop();
      const committed = await writing;
      await eventually(async () => (await handled(keys)).length >= 8 * 150, 90_000);
      await sleep(1000);
      const effects = await handled(keys);
      // Each event once (the inbox), and in each key the order of the commits.
      expect(effects).toHaveLength(8 * 150);
      const order = byKey(effects.map((row) => [row.key, row.event_id]));
      for (const key of keys) expect(order.get(key) ?? []).toEqual(committed.get(key) ?? []);
    } finally {
      await running.stop();
      await Promise.all([first.stop(), second.stop()]);
    }
  });

  async function handled(keys: string[]): Promise<{ key: string; event_id: string }[]> {
    return db.dataSource.query(
      `SELECT key, event_id FROM test_effect WHERE key = ANY($1) ORDER BY id`,
      [keys],
    );
  }
});
