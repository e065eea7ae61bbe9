import { ChildProcess } from 'node:child_process';
import { headerText } from '@tremplin/contracts';
import {
  eventually,
  freePort,
  sleep,
  ThrowawayBroker,
  uniqueTopicPrefix,
} from '@tremplin/testing-infrastructure';
import { Registry } from 'prom-client';
import { createKafka, KafkaReadinessCheck, MessagingMetrics, Outbox, OutboxRelay } from '../../src';
import { filled } from '../events';
import {
  createDatabase,
  createInternshipTopics,
  effectCounts,
  metricTotal,
  spawnConsumerProcess,
  tap,
  TestDatabase,
  testKafka,
  unsentRows,
} from '../support';

jest.setTimeout(240_000);

/**
 * The broker goes away during a stream written through the outbox and read by a consumer
 * process: once it is back, nothing is lost on the wire and every effect is applied once.
 */
describe('fault: broker stopped and restarted during a stream of 6,000 events', () => {
  let db: TestDatabase;
  let broker: ThrowawayBroker;

  beforeAll(async () => {
    broker = new ThrowawayBroker(await freePort(), await freePort());
    db = await createDatabase('outage');
    await broker.start();
  });

  afterAll(async () => {
    await broker?.destroy();
    await db?.drop();
  });

  it('publishes every event once the broker is back, the consumer applies each once, and readiness follows the broker', async () => {
    const prefix = uniqueTopicPrefix('outage');
    const kafka = testKafka(broker.brokers);
    const { topic } = await createInternshipTopics(kafka, prefix, 3);
    const consumer: ChildProcess = await spawnConsumerProcess({
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers,
      KAFKA_TOPIC_PREFIX: prefix,
      GROUP_ID: `${prefix}outage`,
      CHUNK_SIZE: '100',
    });
    const readiness = new KafkaReadinessCheck([broker.brokers]);
    await readiness.check();
    const metrics = new MessagingMetrics(new Registry());
    // As /metrics shows them: read from the registry by name, summed over the labels.
    const metric = (name: string) => metricTotal(metrics.registry.getSingleMetric(name));
    let backlog = NaN;
    const backlogIs = (expected: (count: number) => boolean) => async () =>
      expected((backlog = await metric('messaging_outbox_backlog')));
    const relay = new OutboxRelay(
      db.dataSource,
      createKafka('outage', [broker.brokers], { quiet: true }),
      { prefix, batchSize: 500 },
      metrics,
    );
    relay.start();
    const outbox = new Outbox('companies');
    const written = new Set<string>();

    // ~500 events/s for 12 s, through the outbox, whatever the broker does.
    const writer = (async () => {
      for (let tx = 0; tx < 300; tx++) {
        const ids = await db.dataSource.transaction((manager) =>
          outbox.publish(
            manager,
            Array.from({ length: 20 }, () => filled()),
          ),
        );
        ids.forEach((id) => written.add(id));
        await sleep(40);
      }
    })();

    try {
      await eventually(() => written.size >= 1000, 30_000);
      await broker.stop();
      const stoppedAt = written.size;
      // Down: the readiness check fails, quickly, every time.
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        await expect(readiness.check()).rejects.toThrow();
        expect(Date.now() - started).toBeLessThan(2500);
      }
      await eventually(() => written.size >= stoppedAt + 1500, 30_000); // writes go on while Kafka is down
      // The backlog gauge follows the rows piling up (the relay counts them while failing too).
      await eventually(
        backlogIs((count) => count >= 1000),
        15_000,
        () => `backlog gauge ${backlog}`,
      );
      await broker.start();
      await eventually(
        async () => {
          try {
            await readiness.check();
            return true;
          } catch {
            return false;
          }
        },
        30_000,
        () => 'readiness after restart',
      );
      await writer;
      expect(written.size).toBe(6000);
      await eventually(
        async () => (await unsentRows(db.dataSource)) === 0,
        90_000,
        () => 'outbox drained',
      );
      await eventually(
        backlogIs((count) => count === 0),
        15_000,
        () => `backlog gauge ${backlog}`,
      );
      // Rows whose send failed are counted once, when finally published.
      expect(await metric('messaging_published_total')).toBe(6000);

      const reader = await tap(kafka, [topic]);
      try {
        await eventually(
          () =>
            new Set(reader.received.map((r) => headerText(r.message.headers, 'ce_id'))).size >=
            6000,
          60_000,
          () => `read ${reader.received.length}`,
        );
        const seen = new Set(
          reader.received.map((r) => headerText(r.message.headers, 'ce_id') as string),
        );
        expect([...written].filter((id) => !seen.has(id))).toEqual([]);
        // Rows whose send failed are sent again: duplicates are allowed on the wire (the inbox dedupes), losses are not.
        process.stdout.write(
          `broker outage: ${reader.received.length} records for ${seen.size} events\n`,
        );
      } finally {
        await reader.stop();
      }
      // The consumer lived through the outage: each event's effect once (its inbox absorbs the
      // records sent twice and the redeliveries after failed offset commits).
      const effects = () => effectCounts(db.dataSource);
      await eventually(
        async () => (await effects()).effects >= 6000,
        90_000,
        () => 'effects',
      );
      await sleep(1500); // let any late duplicate show up
      expect(await effects()).toEqual({ effects: 6000, distinct: 6000 });
      expect(consumer.exitCode).toBeNull();
    } finally {
      consumer.kill('SIGKILL');
      // Already awaited on success; on an earlier failure that failure is the one reported.
      await writer.catch((error: unknown) => process.stderr.write(`writer: ${String(error)}\n`));
      await relay.stop();
      await readiness.close();
    }
  });
});
