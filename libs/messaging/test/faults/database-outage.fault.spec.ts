import { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { toKafkaRecord, TOPICS } from '@tremplin/contracts';
import { Partitioners } from 'kafkajs';
import { deadLetterTopic, retryTopic } from '../../src';
import { filled } from '../events';
import {
  createDatabase,
  createTopics,
  eventually,
  sleep,
  spawnConsumerProcess,
  TestDatabase,
  testKafka,
  uniquePrefix,
} from '../support';

jest.setTimeout(180_000);

const EVENTS = 3000;
const KEYS = 40;
const KILLS = 5;

/**
 * The consumer's database connections are killed (pg_terminate_backend) again and again while it
 * works through a stream: the failed chunks are retried in place, so every effect is applied
 * once, in order per key, and the process never stops.
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
    const prefix = uniquePrefix('dbkill');
    const kafka = testKafka();
    const topic = prefix + TOPICS.internships.name;
    await createTopics(
      kafka,
      [topic, retryTopic(prefix, 'matching', 1), deadLetterTopic(prefix, 'matching')],
      4,
    );
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
    const url = new URL(db.url);
    url.searchParams.set('application_name', applicationName);
    child = await spawnConsumerProcess({
      DATABASE_URL: url.toString(),
      KAFKA_TOPIC_PREFIX: prefix,
      GROUP_ID: applicationName,
      CHUNK_SIZE: '50',
    });
    const count = async (): Promise<number> =>
      (await db.dataSource.query('SELECT count(*)::int AS n FROM test_effect'))[0].n;

    await eventually(
      async () => (await count()) >= 200,
      60_000,
      () => 'before the first kill',
    );
    // Kill whatever connections it holds, five times (a kill that finds none does not count).
    let kills = 0;
    const deadline = Date.now() + 30_000;
    while (kills < KILLS && Date.now() < deadline) {
      const [{ n }] = await db.dataSource.query(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = $1`,
        [applicationName],
      );
      if (n > 0) kills++;
      await sleep(n > 0 ? 300 : 20);
    }
    const afterKills = await count();
    expect(kills).toBe(KILLS);
    expect(afterKills).toBeLessThan(EVENTS); // the kills hit a stream in progress

    await eventually(
      async () => (await count()) >= EVENTS,
      120_000,
      () => `after the kills (${afterKills} then)`,
    );
    await sleep(1500); // let any late duplicate show up
    const [{ effects, distinct }] = await db.dataSource.query(
      'SELECT count(*)::int AS effects, count(DISTINCT event_id)::int AS distinct FROM test_effect',
    );
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
});
