import { randomUUID } from 'node:crypto';
import { headerText, InternshipFilled, toKafkaRecord, TOPICS } from '@tremplin/contracts';
import { Kafka, Partitioners, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import { filled } from '../../test/events';
import {
  createDatabase,
  createTopics,
  Effect,
  eventually,
  sleep,
  tap,
  TestDatabase,
  testKafka,
  uniquePrefix,
} from '../../test/support';
import { createKafka } from '../kafka/client';
import { deadLetterTopic, retryTopic } from '../kafka/topics';
import { MessagingMetrics } from '../metrics';
import { Outbox } from '../outbox/outbox';
import { EventConsumer, EventConsumerOptions, RETRY_HEADERS } from './event-consumer';
import { EventHandler, HandlerContext, Handles } from './handler';

jest.setTimeout(120_000);

/** The test effect: one row per handled event, with scripted failures and delays. */
@Handles(InternshipFilled)
class RecordEffectWhenInternshipFilled implements EventHandler<InternshipFilled> {
  /** Failures left per internship id (Infinity: always fails). */
  readonly failures = new Map<string, number>();
  readonly delays = new Map<string, number>();
  delayEachMs = 0;

  async handle(event: InternshipFilled, { manager, attributes }: HandlerContext): Promise<void> {
    const delay = this.delays.get(event.internshipId) ?? this.delayEachMs;
    if (delay) await sleep(delay);
    const left = this.failures.get(event.internshipId) ?? 0;
    if (left > 0) {
      this.failures.set(event.internshipId, left - 1);
      throw new Error(`seat service unavailable for ${event.internshipId}`);
    }
    await manager.insert(Effect, { eventId: attributes.id, key: event.internshipId });
  }
}

describe('EventConsumer (real PostgreSQL and Kafka)', () => {
  // Each test has topics of its own (a new consumer group reads its topics from the beginning).
  let prefix: string;
  let topic: string;
  let dlt: string;
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;

  beforeAll(async () => {
    db = await createDatabase('consumer');
    kafka = testKafka();
    // Idempotent: a send retried after a fresh topic's first "not the leader" answer is not duplicated.
    producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
  });

  afterAll(async () => {
    await producer.disconnect();
    await db.drop();
  });

  beforeEach(async () => {
    prefix = uniquePrefix('consumer');
    topic = `${prefix}${TOPICS.internships.name}`;
    dlt = deadLetterTopic(prefix, 'matching');
    await createTopics(
      kafka,
      [topic, retryTopic(prefix, 'matching', 1), retryTopic(prefix, 'matching', 2), dlt],
      3,
    );
    await db.dataSource.query('TRUNCATE test_effect, messaging_inbox');
  });

  function consumer(
    handler: RecordEffectWhenInternshipFilled,
    options: Partial<EventConsumerOptions> = {},
  ) {
    const metrics = new MessagingMetrics(new Registry());
    const running = new EventConsumer(
      db.dataSource,
      createKafka('consumer-test', ['127.0.0.1:9092'], { quiet: true }),
      new Outbox('matching'),
      {
        service: 'matching',
        prefix,
        groupId: `matching-${randomUUID().slice(0, 8)}`,
        subscriptions: [
          { name: 'RecordEffectWhenInternshipFilled', eventClass: InternshipFilled, handler },
        ],
        retryDelaysMs: [200, 400],
        ...options,
      },
      metrics,
    );
    return { running, metrics };
  }

  async function send(
    records: { key: string | null; value: string | null; headers: Record<string, string> }[],
  ) {
    await producer.send({ topic, messages: records });
  }

  const record = (event: InternshipFilled, id?: string) =>
    toKafkaRecord(event, { source: 'companies', id });
  const effects = async (): Promise<{ event_id: string; key: string }[]> =>
    db.dataSource.query('SELECT event_id, key FROM test_effect ORDER BY id');

  it('applies each event once, even when the same event is delivered twice', async () => {
    const events = Array.from({ length: 50 }, () => filled());
    const records = events.map((event) => record(event));
    await send([...records, records[7], records[20]]);
    const handler = new RecordEffectWhenInternshipFilled();
    const { running, metrics } = consumer(handler);
    await running.start();
    try {
      await eventually(async () => (await effects()).length >= 50, 20_000);
      await sleep(500);
      const rows = await effects();
      expect(rows).toHaveLength(50);
      expect(new Set(rows.map((row) => row.event_id)).size).toBe(50);
      const consumed = await metrics.consumed.get();
      const duplicates = consumed.values
        .filter((v) => v.labels.outcome === 'duplicate')
        .reduce((a, v) => a + v.value, 0);
      // At least the two records sent twice; should the group rebalance before an offset
      // commit, the redelivered records are duplicates too, and the inbox absorbs them as well.
      expect(duplicates).toBeGreaterThanOrEqual(2);
    } finally {
      await running.stop();
    }
  });

  it('retries a failing event with backoff, parks it on the dead-letter topic with the error and original headers, and never blocks the partition', async () => {
    const key = randomUUID(); // one key: one partition
    const flaky = filled(key);
    const broken = filled(key);
    const after = filled(key);
    const handler = new RecordEffectWhenInternshipFilled();
    const flakyRecord = record(flaky);
    const brokenRecord = record(broken);
    const afterRecord = record(after);
    // Same key for all three: the failures are told apart by their ce_id.
    const failing = new Map([
      [headerText(flakyRecord.headers, 'ce_id'), 2],
      [headerText(brokenRecord.headers, 'ce_id'), Infinity],
    ]);
    // Fails while on the first tiers (a handler may run twice per delivery: fast path, then alone).
    handler.handle = async function (this: RecordEffectWhenInternshipFilled, event, context) {
      if (context.attempt < (failing.get(context.attributes.id) ?? 0))
        throw new Error(`scripted failure of ${context.attributes.id}`);
      await context.manager.insert(Effect, {
        eventId: context.attributes.id,
        key: event.internshipId,
      });
    };
    const dead = await tap(kafka, [dlt]);
    const { running, metrics } = consumer(handler);
    await send([flakyRecord, brokenRecord, afterRecord]);
    await running.start();
    try {
      await eventually(async () => (await effects()).length >= 2, 20_000);
      const rows = await effects();
      // The event after the failing ones was handled first: nothing waited for the retries.
      expect(rows.map((row) => row.event_id)).toEqual([
        afterRecord.headers['ce_id'],
        flakyRecord.headers['ce_id'],
      ]);
      await dead.waitFor(1, 20_000);
      const parked = dead.received.find(
        (r) => headerText(r.message.headers, 'ce_id') === headerText(brokenRecord.headers, 'ce_id'),
      );
      expect(parked).toBeDefined();
      const headers = parked?.message.headers;
      expect(headerText(headers, RETRY_HEADERS.reason)).toMatch(
        /handler failed after 3 attempts: .*scripted failure/,
      );
      expect(headerText(headers, RETRY_HEADERS.originalTopic)).toBe(topic);
      for (const name of Object.keys(brokenRecord.headers))
        expect(headerText(headers, name)).toBe(brokenRecord.headers[name]);
      expect(parked?.message.value?.toString()).toBe(brokenRecord.value);
      const retried = await metrics.retried.get();
      expect(retried.values.reduce((a, v) => a + v.value, 0)).toBe(4); // flaky twice, broken twice
      const deadLettered = await metrics.deadLettered.get();
      expect(deadLettered.values.reduce((a, v) => a + v.value, 0)).toBe(1);
    } finally {
      await running.stop();
      await dead.stop();
    }
  });

  it('sends malformed records straight to the dead-letter topic with a clear reason and goes on', async () => {
    const good = filled();
    const unknownType = record(filled());
    unknownType.headers['ce_type'] = 'fr.tremplin.companies.SomethingElse.v1';
    const invalid = record(filled());
    invalid.value = JSON.stringify({
      internshipId: 'nope',
      companyId: randomUUID(),
      academy: '16',
    });
    const badJson = record(filled());
    badJson.value = '{"internshipId": ';
    const otherVersion = record(filled());
    otherVersion.headers['ce_type'] = 'fr.tremplin.companies.InternshipFilled.v2';
    const dead = await tap(kafka, [dlt]);
    const before = dead.received.length;
    await send([
      { key: 'x', value: 'plain text', headers: {} },
      unknownType,
      invalid,
      badJson,
      otherVersion,
      record(good),
    ]);
    const { running } = consumer(new RecordEffectWhenInternshipFilled());
    await running.start();
    try {
      await eventually(
        async () => (await effects()).some((row) => row.key === good.internshipId),
        20_000,
      );
      const reasons = (await dead.waitFor(before + 4, 20_000))
        .slice(before)
        .map((r) => headerText(r.message.headers, RETRY_HEADERS.reason));
      expect(reasons).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/not a CloudEvent: missing header/),
          expect.stringMatching(/unknown event type fr\.tremplin\.companies\.SomethingElse\.v1/),
          expect.stringMatching(
            /invalid fr\.tremplin\.companies\.InternshipFilled\.v1: internshipId must be a UUID/,
          ),
          expect.stringMatching(/invalid JSON/),
        ]),
      );
      // A later major version of a known event is not ours to judge: skipped, not dead-lettered.
      await sleep(500);
      expect(dead.received.length - before).toBe(4);
    } finally {
      await running.stop();
      await dead.stop();
    }
  });

  it('keeps heartbeating during a handler longer than the session timeout', async () => {
    const slow = filled();
    const handler = new RecordEffectWhenInternshipFilled();
    handler.delays.set(slow.internshipId, 9000);
    const { running } = consumer(handler, { sessionTimeoutMs: 6000 });
    await running.start();
    try {
      // A fresh broker may rebalance the new group once while its topics settle: start after that.
      await eventually(async () => running.joins >= 1, 20_000);
      await sleep(3000);
      const joinsBefore = running.joins;
      await send([record(slow), record(filled())]);
      await eventually(async () => (await effects()).length >= 2, 30_000);
      await sleep(1000);
      expect(await effects()).toHaveLength(2);
      expect(running.joins).toBe(joinsBefore);
    } finally {
      await running.stop();
    }
  });

  it('drains on stop: the batch in flight finishes and commits, a restart applies nothing twice', async () => {
    const events = Array.from({ length: 12 }, () => filled());
    const handler = new RecordEffectWhenInternshipFilled();
    handler.delayEachMs = 150;
    const groupId = `drain-${randomUUID().slice(0, 8)}`;
    const first = consumer(handler, { groupId, chunkSize: 4 });
    await send(events.map((event) => record(event)));
    await first.running.start();
    await eventually(async () => (await effects()).length >= 1, 20_000);
    await first.running.stop();
    const afterStop = (await effects()).length;
    expect(afterStop).toBeGreaterThan(0);
    handler.delayEachMs = 0;
    const second = consumer(handler, { groupId });
    await second.running.start();
    try {
      await eventually(async () => (await effects()).length >= 12, 20_000);
      await sleep(500);
      const rows = await effects();
      expect(rows).toHaveLength(12);
      expect(new Set(rows.map((row) => row.event_id)).size).toBe(12);
    } finally {
      await second.running.stop();
    }
  });
});
