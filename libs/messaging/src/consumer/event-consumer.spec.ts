import { isSystemCaller, systemCaller } from '@tremplin/platform';
import { randomUUID } from 'node:crypto';
import {
  ContactDetailsChanged,
  headerText,
  InternshipFilled,
  toKafkaRecord,
  TOPICS,
  type TopicDefinition,
} from '@tremplin/contracts';
import { Consumer, Kafka, KafkaJSNonRetriableError, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import {
  contactDetails,
  EraseContactWhenTombstoned,
  SaveContactWhenDetailsChanged,
} from '../../test/contacts';
import { filled } from '../../test/events';
import {
  BROKERS,
  createDatabase,
  createTopics,
  Effect,
  eventually,
  metricTotal,
  sleep,
  tap,
  TestDatabase,
  testKafka,
  uniquePrefix,
} from '../../test/support';
import { createKafka } from '../kafka/client';
import {
  createTopics as createCompactedTopics,
  deadLetterTopic,
  retryTopic,
  topicsFor,
} from '../kafka/topics';
import { MessagingMetrics } from '../metrics';
import { Outbox } from '../outbox/outbox';
import { EventConsumer, EventConsumerOptions } from './event-consumer';
import { RETRY_HEADERS } from './failure-router';
import {
  EventHandler,
  HandlerContext,
  Handles,
  HandlesTombstones,
  Subscription,
  TombstoneHandler,
} from './handler';
import { orderedProducer } from '../../test/producer';

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
    producer = await orderedProducer(kafka);
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

  /** A consumer of the test handler, or of the given subscriptions. */
  function consumer(
    handler: RecordEffectWhenInternshipFilled | readonly Subscription[],
    options: Partial<EventConsumerOptions> = {},
    client = createKafka('consumer-test', ['127.0.0.1:9092'], { quiet: true }),
  ) {
    const metrics = new MessagingMetrics(new Registry());
    const running = new EventConsumer(
      db.dataSource,
      client,
      new Outbox('matching'),
      {
        service: 'matching',
        prefix,
        groupId: `matching-${randomUUID().slice(0, 8)}`,
        subscriptions:
          handler instanceof RecordEffectWhenInternshipFilled
            ? [{ name: 'RecordEffectWhenInternshipFilled', eventClass: InternshipFilled, handler }]
            : handler,
        retryDelaysMs: [200, 400],
        ...options,
      },
      metrics,
    );
    return { running, metrics };
  }

  /** Sends the records in order; for records of one key (one partition), returns where each landed. */
  async function send(
    records: { key: string | null; value: string | null; headers?: Record<string, string> }[],
    to = topic,
  ) {
    const [metadata] = await producer.send({ topic: to, messages: records, acks: -1 });
    return records.map((_, index) => ({
      partition: metadata.partition,
      offset: (BigInt(metadata.baseOffset as string) + BigInt(index)).toString(),
    }));
  }

  /**
   * A Kafka client that keeps the producers and consumers it made while they are connected, and
   * whose consumers, once `crashNextBatch` is set, throw from one batch an error kafkajs does not
   * restart from.
   */
  function watchedKafka() {
    const client = createKafka('consumer-test', ['127.0.0.1:9092'], { quiet: true });
    const watch = { connected: new Set<Producer | Consumer>(), crashNextBatch: false };
    const makeProducer = client.producer.bind(client);
    const makeConsumer = client.consumer.bind(client);
    client.producer = (config) => {
      const made = makeProducer(config);
      made.on(made.events.CONNECT, () => watch.connected.add(made));
      made.on(made.events.DISCONNECT, () => watch.connected.delete(made));
      return made;
    };
    client.consumer = (config) => {
      const made = makeConsumer(config);
      made.on(made.events.CONNECT, () => watch.connected.add(made));
      made.on(made.events.DISCONNECT, () => watch.connected.delete(made));
      const run = made.run.bind(made);
      made.run = (runConfig) =>
        run({
          ...runConfig,
          eachBatch: async (payload) => {
            if (!watch.crashNextBatch) return runConfig?.eachBatch?.(payload);
            watch.crashNextBatch = false;
            throw new KafkaJSNonRetriableError('injected fatal error');
          },
        });
      return made;
    };
    return { client, watch };
  }

  /** Sum of a metric's values (counter or gauge) with the given labels. */
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
      const duplicates = await metricTotal(metrics.consumed, { outcome: 'duplicate' });
      // At least the two records sent twice; should the group rebalance before an offset
      // commit, the redelivered records are duplicates too, and the inbox absorbs them as well.
      expect(duplicates).toBeGreaterThanOrEqual(2);
    } finally {
      await running.stop();
    }
  });

  it('runs each handler as the service itself, scoped to the academy of the event', async () => {
    const handler = new RecordEffectWhenInternshipFilled();
    const callers: HandlerContext['caller'][] = [];
    handler.handle = async (event, { manager, attributes, caller }) => {
      callers.push(caller);
      await manager.insert(Effect, { eventId: attributes.id, key: event.internshipId });
    };
    const { running } = consumer(handler);
    await send([record(filled())]);
    await running.start();
    try {
      await eventually(async () => (await effects()).length >= 1, 20_000);
      expect(callers[0]).toEqual(systemCaller('matching', '16'));
      expect(callers[0]).toMatchObject({ subject: 'service:matching', academy: '16' });
      expect(isSystemCaller(callers[0])).toBe(true);
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
    // When each run of each event started, by attempt.
    const runs: { id: string; attempt: number; at: number }[] = [];
    // Fails while on the first tiers (a handler may run twice per delivery: fast path, then alone).
    handler.handle = async function (this: RecordEffectWhenInternshipFilled, event, context) {
      runs.push({ id: context.attributes.id, attempt: context.attempt, at: Date.now() });
      if (context.attempt < (failing.get(context.attributes.id) ?? 0))
        throw new Error(`scripted failure of ${context.attributes.id}`);
      await context.manager.insert(Effect, {
        eventId: context.attributes.id,
        key: event.internshipId,
      });
    };
    const dead = await tap(kafka, [dlt]);
    const retryDelaysMs = [500, 1000];
    const { running, metrics } = consumer(handler, { retryDelaysMs });
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
      // Each tier waits its delay after the last failure of the attempt before it.
      const flakyRuns = (attempt: number) =>
        runs
          .filter((run) => run.id === flakyRecord.headers['ce_id'] && run.attempt === attempt)
          .map((run) => run.at);
      for (const tier of [1, 2])
        expect(Math.min(...flakyRuns(tier))).toBeGreaterThanOrEqual(
          Math.max(...flakyRuns(tier - 1)) + retryDelaysMs[tier - 1],
        );
      expect(await metricTotal(metrics.retried)).toBe(4); // flaky twice, broken twice
      expect(await metricTotal(metrics.deadLettered)).toBe(1);
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
    // Every effect stored is committed (a fresh topic: offsets count the records of a partition).
    const committed = async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const [{ partitions }] = await admin.fetchOffsets({
          groupId: prefix + groupId,
          topics: [topic],
        });
        return partitions.reduce((sum, { offset }) => sum + Math.max(0, Number(offset)), 0);
      } finally {
        await admin.disconnect();
      }
    };
    expect(await committed()).toBe(afterStop);
    handler.delayEachMs = 0;
    const second = consumer(handler, { groupId });
    await second.running.start();
    try {
      await eventually(async () => (await effects()).length >= 12, 20_000);
      await sleep(500);
      const rows = await effects();
      expect(rows).toHaveLength(12);
      expect(new Set(rows.map((row) => row.event_id)).size).toBe(12);
      expect(await metricTotal(second.metrics.consumed, { outcome: 'duplicate' })).toBe(0);
    } finally {
      await second.running.stop();
    }
    expect(await committed()).toBe(12);
  });

  it('dead-letters an event whose effect fails only at COMMIT (deferred constraint) and handles the events after it', async () => {
    await db.dataSource.query(
      `CREATE TABLE IF NOT EXISTS test_deferred (key text,
         CONSTRAINT test_deferred_key UNIQUE (key) DEFERRABLE INITIALLY DEFERRED)`,
    );
    const key = randomUUID(); // one key: one partition
    const [poison, ...after] = [filled(key), filled(key), filled(key)].map((event) =>
      record(event),
    );
    const handler = new RecordEffectWhenInternshipFilled();
    handler.handle = async (event, { manager, attributes }) => {
      await manager.insert(Effect, { eventId: attributes.id, key: event.internshipId });
      if (attributes.id === poison.headers['ce_id'])
        await manager.query(`INSERT INTO test_deferred VALUES ($1), ($1)`, [attributes.id]);
    };
    const dead = await tap(kafka, [dlt]);
    const { running } = consumer(handler);
    await send([poison, ...after]);
    await running.start();
    try {
      const [parked] = await dead.waitFor(1, 20_000);
      expect(headerText(parked.message.headers, 'ce_id')).toBe(poison.headers['ce_id']);
      expect(headerText(parked.message.headers, RETRY_HEADERS.reason)).toMatch(
        /^handler failed after 3 attempts: transaction: duplicate key value violates unique constraint "test_deferred_key"/,
      );
      await eventually(async () => (await effects()).length >= 2, 20_000);
      expect((await effects()).map((row) => row.event_id)).toEqual(
        after.map((next) => next.headers['ce_id']),
      );
    } finally {
      await running.stop();
      await dead.stop();
    }
  });

  it('fails a handler that does not return within handlerTimeoutMs, hung on a promise or in a query: retry tier, and the partition goes on', async () => {
    const key = randomUUID(); // one key: one partition
    const [hung, inQuery, after] = [filled(key), filled(key), filled(key)].map((event) =>
      record(event),
    );
    const handler = new RecordEffectWhenInternshipFilled();
    handler.handle = async (event, { manager, attributes, attempt }) => {
      if (attempt === 0 && attributes.id === hung.headers['ce_id'])
        await new Promise<never>(() => undefined);
      // The statement timeout cancels it, so that the ROLLBACK behind it on its connection runs.
      if (attempt === 0 && attributes.id === inQuery.headers['ce_id'])
        await manager.query('SELECT pg_sleep(3600)');
      await manager.insert(Effect, { eventId: attributes.id, key: event.internshipId });
    };
    const { running, metrics } = consumer(handler, { handlerTimeoutMs: 1000 });
    await send([hung, inQuery, after]);
    await running.start();
    try {
      await eventually(async () => (await effects()).length >= 3, 30_000);
      expect((await effects()).map((row) => row.event_id)).toEqual(
        [after, hung, inQuery].map((next) => next.headers['ce_id']),
      );
      expect(await metricTotal(metrics.retried, { tier: '1' })).toBe(2);
    } finally {
      await running.stop();
    }
  });

  it('reports the lag of a partition: the records queued behind a slow handler, 0 once all are processed', async () => {
    const key = randomUUID(); // one key: one partition
    const handler = new RecordEffectWhenInternshipFilled();
    handler.delayEachMs = 200;
    const { running, metrics } = consumer(handler, { chunkSize: 2 });
    const lag = () => metricTotal(metrics.consumerLag, { topic: TOPICS.internships.name });
    await send(Array.from({ length: 10 }, () => record(filled(key))));
    await running.start();
    try {
      await eventually(async () => (await effects()).length >= 2, 20_000);
      expect(await lag()).toBeGreaterThan(0);
      expect((await effects()).length).toBeLessThan(10);
      await eventually(async () => (await effects()).length >= 10, 20_000);
      await eventually(async () => (await lag()) === 0, 2000);
    } finally {
      await running.stop();
    }
  });

  it('leaves no connection behind when start fails, and starts on the next call', async () => {
    const { client, watch } = watchedKafka();
    // A third retry tier, whose topic does not exist yet: subscribing fails.
    const { running } = consumer(
      new RecordEffectWhenInternshipFilled(),
      { retryDelaysMs: [200, 400, 800] },
      client,
    );
    await expect(running.start()).rejects.toThrow(/does not host this topic-partition/);
    expect(watch.connected.size).toBe(0);
    await createTopics(kafka, [retryTopic(prefix, 'matching', 3)], 3);
    await send([record(filled())]);
    await running.start();
    try {
      await eventually(async () => (await effects()).length >= 1, 20_000);
      expect(watch.connected.size).toBe(2); // its producer and its consumer
    } finally {
      await running.stop();
    }
    expect(watch.connected.size).toBe(0);
  });

  it('starts a new consumer after a crash kafkajs does not restart from, and is unhealthy until it is back in its group', async () => {
    const { client, watch } = watchedKafka();
    const { running } = consumer(new RecordEffectWhenInternshipFilled(), {}, client);
    await running.start();
    try {
      await eventually(() => running.joins >= 1, 20_000);
      expect(running.healthy).toBe(true);
      watch.crashNextBatch = true;
      await send([record(filled()), record(filled())]);
      await eventually(() => !running.healthy, 20_000);
      await eventually(async () => (await effects()).length >= 2, 30_000);
      await eventually(() => running.healthy, 20_000);
      expect(watch.connected.size).toBe(2); // the crashed consumer and its producer were closed
    } finally {
      await running.stop();
    }
    expect(watch.connected.size).toBe(0);
  });

  describe('tombstones', () => {
    let contacts: string;

    beforeEach(async () => {
      contacts = `${prefix}${TOPICS.contacts.name}`;
      await createCompactedTopics({
        brokers: BROKERS.split(','),
        topics: [contacts],
        partitions: 3,
        compacted: [contacts],
      });
    });

    /** A service keeping a copy of each person's contact details, erased by tombstones. */
    const notifications = (erase: EraseContactWhenTombstoned, groupId?: string) =>
      consumer(
        [
          {
            name: 'SaveContactWhenDetailsChanged',
            eventClass: ContactDetailsChanged,
            handler: new SaveContactWhenDetailsChanged(),
          },
          { name: 'EraseContactWhenTombstoned', topic: TOPICS.contacts, handler: erase },
        ],
        groupId ? { groupId } : {},
      );

    const details = (event: ContactDetailsChanged) => {
      const { key, value, headers } = toKafkaRecord(event, { source: 'schools' });
      return { key, value, headers };
    };
    const tombstone = (key: string) => ({ key, value: null });

    const copies = async (): Promise<{ event_id: string; key: string }[]> =>
      db.dataSource.query('SELECT event_id, key FROM test_effect ORDER BY key');
    const inboxIds = async (): Promise<string[]> =>
      (
        await db.dataSource.query(
          `SELECT event_id FROM messaging_inbox WHERE type = 'tombstone' ORDER BY event_id`,
        )
      ).map((row: { event_id: string }) => row.event_id);

    const tombstonesConsumed = (metrics: MessagingMetrics, outcome: string) =>
      metricTotal(metrics.consumed, { type: 'tombstone', outcome });

    it('erases the copy written by an earlier ContactDetailsChanged, in order with the events of the same key', async () => {
      const [erased, renewed, kept] = [randomUUID(), randomUUID(), randomUUID()];
      const renewedAgain = details(contactDetails(renewed, 'Sacha'));
      await send([details(contactDetails(erased)), tombstone(erased)], contacts);
      const landed = await send(
        [details(contactDetails(renewed)), tombstone(renewed), renewedAgain],
        contacts,
      );
      await send([details(contactDetails(kept))], contacts);
      const erase = new EraseContactWhenTombstoned();
      const { running, metrics } = notifications(erase);
      await running.start();
      try {
        await eventually(async () => (await tombstonesConsumed(metrics, 'handled')) >= 2, 20_000);
        await eventually(async () => (await copies()).length >= 2, 20_000);
        const renewedId = headerText(renewedAgain.headers, 'ce_id');
        expect(await copies()).toEqual(
          [
            { event_id: renewedId, key: renewed },
            { event_id: expect.any(String), key: kept },
          ].sort((a, b) => a.key.localeCompare(b.key)),
        );
        expect(erase.calls.map((call) => call.key).sort()).toEqual([erased, renewed].sort());
        const renewedCall = erase.calls.find((call) => call.key === renewed);
        expect(renewedCall?.context).toEqual({
          topic: TOPICS.contacts.name,
          partition: landed[1].partition,
          offset: landed[1].offset,
          attempt: 0,
        });
        // Recorded in the inbox by where it was read: the tombstone has no event id.
        expect(await inboxIds()).toContain(
          `tombstone:${TOPICS.contacts.name}:${landed[1].partition}:${landed[1].offset}`,
        );
      } finally {
        await running.stop();
      }
    });

    it('has no second effect when the same tombstone is delivered again', async () => {
      const key = randomUUID();
      await send([details(contactDetails(key)), tombstone(key)], contacts);
      const erase = new EraseContactWhenTombstoned();
      const groupId = `redelivery-${randomUUID().slice(0, 8)}`;
      const first = notifications(erase, groupId);
      await first.running.start();
      await eventually(
        async () => (await tombstonesConsumed(first.metrics, 'handled')) === 1,
        20_000,
      );
      await first.running.stop();
      // The group reads its topic again from the start, as after a crash before an offset commit.
      const admin = kafka.admin();
      await admin.connect();
      await admin.resetOffsets({ groupId: prefix + groupId, topic: contacts, earliest: true });
      await admin.disconnect();
      const second = notifications(erase, groupId);
      await second.running.start();
      try {
        await eventually(
          async () => (await tombstonesConsumed(second.metrics, 'duplicate')) === 1,
          20_000,
        );
        await sleep(300);
        expect(erase.calls).toHaveLength(1);
        expect(await copies()).toEqual([]);
        expect(await inboxIds()).toHaveLength(1);
        expect(await tombstonesConsumed(second.metrics, 'handled')).toBe(0);
      } finally {
        await second.running.stop();
      }
    });

    it('retries a failing tombstone on the retry tiers under the id of its first read, then dead-letters it with a reason naming its topic and key', async () => {
      const [flaky, broken] = [randomUUID(), randomUUID()];
      const erase = new EraseContactWhenTombstoned();
      erase.failure = (key, { attempt }) =>
        (key === flaky && attempt < 1) || key === broken
          ? new Error(`mail service unavailable for ${key}`)
          : undefined;
      const dead = await tap(kafka, [dlt]);
      const [flakyAt] = await send([tombstone(flaky)], contacts);
      const [brokenAt] = await send([tombstone(broken)], contacts);
      const { running, metrics } = notifications(erase);
      await running.start();
      try {
        const [parked] = await dead.waitFor(1, 20_000);
        await eventually(() => erase.calls.length >= 1, 20_000);
        // Erased on the first tier (twice if it shared a chunk with the broken one, rolled back once).
        expect(new Set(erase.calls.map((call) => JSON.stringify(call)))).toEqual(
          new Set([
            JSON.stringify({
              key: flaky,
              context: { topic: TOPICS.contacts.name, ...flakyAt, attempt: 1 },
            }),
          ]),
        );
        expect(await inboxIds()).toEqual([
          `tombstone:${TOPICS.contacts.name}:${flakyAt.partition}:${flakyAt.offset}`,
        ]);
        expect(parked.message.key?.toString()).toBe(broken);
        expect(parked.message.value).toBeNull();
        const headers = parked.message.headers;
        expect(headerText(headers, RETRY_HEADERS.reason)).toBe(
          `handler failed after 3 attempts: EraseContactWhenTombstoned: mail service unavailable for ${broken} ` +
            `(tombstone of ${TOPICS.contacts.name} key ${broken})`,
        );
        expect(headerText(headers, RETRY_HEADERS.originalTopic)).toBe(contacts);
        expect(headerText(headers, RETRY_HEADERS.originalPartition)).toBe(
          String(brokenAt.partition),
        );
        expect(headerText(headers, RETRY_HEADERS.originalOffset)).toBe(brokenAt.offset);
        expect(await tombstonesConsumed(metrics, 'retried')).toBe(3); // flaky once, broken twice
        expect(await tombstonesConsumed(metrics, 'dead-lettered')).toBe(1);
        expect(await tombstonesConsumed(metrics, 'handled')).toBe(1);
      } finally {
        await running.stop();
        await dead.stop();
      }
    });

    it('retries a tombstone in place, not on a retry tier, when the database connection fails', async () => {
      const key = randomUUID();
      await send([details(contactDetails(key)), tombstone(key)], contacts);
      const erase = new EraseContactWhenTombstoned();
      let lost = false;
      erase.failure = () => {
        if (lost) return undefined;
        lost = true;
        return Object.assign(new Error('Connection terminated unexpectedly'), { code: '08006' });
      };
      const { running, metrics } = notifications(erase);
      await running.start();
      try {
        await eventually(async () => (await tombstonesConsumed(metrics, 'handled')) === 1, 20_000);
        expect(lost).toBe(true);
        expect(erase.calls).toEqual([{ key, context: expect.objectContaining({ attempt: 0 }) }]);
        expect(await copies()).toEqual([]);
        expect(await tombstonesConsumed(metrics, 'retried')).toBe(0);
      } finally {
        await running.stop();
      }
    });
  });
});

describe('@HandlesTombstones', () => {
  it('throws when the class is decorated with a topic that is not compacted', () => {
    const define = (topic: TopicDefinition) => {
      @HandlesTombstones(topic)
      class EraseStudentWhenTombstoned implements TombstoneHandler {
        async erase(): Promise<void> {
          return;
        }
      }
      return EraseStudentWhenTombstoned;
    };
    expect(() => define(TOPICS.students)).toThrow(
      '@HandlesTombstones(schools.students): the topic is not compacted, a tombstone there would erase nothing',
    );
    expect(() => define(TOPICS.contacts)).not.toThrow();
  });

  it('makes its topic one the service creates (compacted) and reads', () => {
    const topics = topicsFor({
      service: 'notifications',
      prefix: 'p.',
      partitions: 2,
      replicationFactor: 1,
      consumed: [TOPICS.contacts],
      retryTiers: 1,
    });
    expect(topics).toContainEqual(
      expect.objectContaining({
        topic: 'p.private.contacts',
        configEntries: [{ name: 'cleanup.policy', value: 'compact' }],
      }),
    );
  });
});
