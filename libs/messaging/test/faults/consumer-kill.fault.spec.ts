import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { toKafkaRecord } from '@tremplin/contracts';
import { eventually, uniqueTopicPrefix } from '@tremplin/testing-infrastructure';
import { Partitioners } from 'kafkajs';
import { filled } from '../events';
import {
  createDatabase,
  createInternshipTopics,
  effectCounts,
  spawnConsumerProcess,
  TestDatabase,
  testKafka,
} from '../support';

jest.setTimeout(180_000);

/** SIGKILL in the middle of a stream: on restart every effect is applied exactly once. */
describe('fault: consumer process killed mid-batch', () => {
  let db: TestDatabase;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    db = await createDatabase('kill');
  });

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await db.drop();
  });

  async function startConsumer(env: Record<string, string>): Promise<ChildProcess> {
    const child = await spawnConsumerProcess(env);
    children.push(child);
    return child;
  }

  it('applies each of 4,000 events (10% delivered twice) exactly once across a SIGKILL and a restart', async () => {
    const prefix = uniqueTopicPrefix('kill');
    const kafka = testKafka();
    const { topic } = await createInternshipTopics(kafka, prefix, 4);
    const records = Array.from({ length: 4000 }, () =>
      toKafkaRecord(filled(), { source: 'companies' }),
    );
    const duplicates = records.filter((_, index) => index % 10 === 0);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (let i = 0; i < records.length; i += 500)
      await producer.send({ topic, messages: records.slice(i, i + 500) });
    await producer.send({ topic, messages: duplicates });
    await producer.disconnect();

    const env = {
      DATABASE_URL: db.url,
      KAFKA_TOPIC_PREFIX: prefix,
      GROUP_ID: `kill-${randomUUID().slice(0, 8)}`,
      CHUNK_SIZE: '50',
    };
    const count = async (): Promise<number> => (await effectCounts(db.dataSource)).effects;

    const first = await startConsumer(env);
    await eventually(
      async () => (await count()) >= 800,
      60_000,
      () => 'before the kill',
    );
    first.kill('SIGKILL');
    await new Promise((done) => first.once('exit', done));
    const atKill = await count();
    expect(atKill).toBeLessThan(4000); // killed mid-stream, not after

    await startConsumer(env);
    await eventually(
      async () => (await count()) >= 4000,
      120_000,
      () => `after the restart (${atKill} at the kill)`,
    );
    await new Promise((done) => setTimeout(done, 2000)); // let any late duplicate show up
    const { effects, distinct } = await effectCounts(db.dataSource);
    expect({ effects, distinct }).toEqual({ effects: 4000, distinct: 4000 });
    const [{ inbox }] = await db.dataSource.query(
      'SELECT count(*)::int AS inbox FROM messaging_inbox',
    );
    expect(inbox).toBe(4000);
    const ids = new Set<string>(
      (await db.dataSource.query('SELECT event_id FROM test_effect')).map(
        (row: { event_id: string }) => row.event_id,
      ),
    );
    expect(records.every((record) => ids.has(record.headers['ce_id']))).toBe(true);
  });
});
