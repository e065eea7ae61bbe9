import { randomUUID } from 'node:crypto';
import {
  headerText,
  InternshipFilled,
  MeetupScheduled,
  parseKafkaRecord,
  TOPICS,
} from '@tremplin/contracts';
import { Kafka } from 'kafkajs';
import { Registry } from 'prom-client';
import { eventually, uniqueTopicPrefix as uniquePrefix } from '@tremplin/testing-infrastructure';
import { filled } from '../../test/events';
import {
  createDatabase,
  meetup,
  createTopics,
  tap,
  TestDatabase,
  testKafka,
  unsentRows,
} from '../../test/support';
import { createKafka } from '../kafka/client';
import { MessagingMetrics } from '../metrics';
import { MAX_RECORD_BYTES, Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';

jest.setTimeout(90_000);

describe('OutboxRelay (real PostgreSQL and Kafka)', () => {
  const prefix = uniquePrefix('relay');
  const topic = `${prefix}${TOPICS.internships.name}`;
  const meetups = `${prefix}${TOPICS.meetups.name}`;
  const outbox = new Outbox('companies');
  let db: TestDatabase;
  let kafka: Kafka;
  let metrics: MessagingMetrics;

  beforeAll(async () => {
    db = await createDatabase('relay');
    kafka = testKafka();
    await createTopics(kafka, [topic, meetups], 3);
    metrics = new MessagingMetrics(new Registry());
  });

  afterAll(async () => {
    await db.drop();
  });

  const relay = () =>
    new OutboxRelay(
      db.dataSource,
      createKafka('relay-test', ['127.0.0.1:9092'], { quiet: true }),
      { prefix, batchSize: 200 },
      metrics,
    );

  it('publishes committed events only, as CloudEvents keyed by aggregate, and marks them sent', async () => {
    const reader = await tap(kafka, [topic]);
    const running = relay();
    running.start();
    try {
      const event = filled();
      const [id] = await db.dataSource.transaction((manager) =>
        outbox.publish(manager, event, { correlationId: 'flow-1' }),
      );
      await expect(
        db.dataSource.transaction(async (manager) => {
          await outbox.publish(manager, filled());
          throw new Error('business rule failed');
        }),
      ).rejects.toThrow('business rule failed');

      const [received] = await reader.waitFor(1, 10_000);
      expect(received.message.key?.toString()).toBe(event.internshipId);
      expect(headerText(received.message.headers, 'ce_id')).toBe(id);
      expect(headerText(received.message.headers, 'ce_type')).toBe(InternshipFilled.type);
      expect(headerText(received.message.headers, 'ce_source')).toBe('/tremplin/companies');
      expect(headerText(received.message.headers, 'ce_correlationid')).toBe('flow-1');
      expect(headerText(received.message.headers, 'ce_academy')).toBe('16');
      const parsed = parseKafkaRecord(received.message);
      expect(parsed.kind).toBe('event');
      await eventually(async () => (await unsentRows(db.dataSource)) === 0, 5000);
      // The rolled-back transaction left nothing to publish.
      expect(reader.received).toHaveLength(1);
    } finally {
      await running.stop();
      await reader.stop();
    }
  });

  it('wakes on commit (LISTEN/NOTIFY): an event reaches Kafka within a fraction of a second', async () => {
    const reader = await tap(kafka, [topic]);
    const running = relay();
    running.start();
    try {
      await reader.waitFor(1, 10_000); // the event of the previous test
      await new Promise((done) => setTimeout(done, 1500)); // the relay is idle now
      const committedAt = Date.now();
      await db.dataSource.transaction((manager) => outbox.publish(manager, filled()));
      await reader.waitFor(2, 5000);
      expect(Date.now() - committedAt).toBeLessThan(400);
    } finally {
      await running.stop();
      await reader.stop();
    }
  });

  it('with two relays on one database, publishes each row once and keeps the order of each key', async () => {
    const keys = Array.from({ length: 20 }, () => randomUUID());
    const reader = await tap(kafka, [topic]);
    const relays = [relay(), relay()];
    relays.forEach((r) => r.start());
    const ids = new Set<string>();
    try {
      await reader.waitFor(2, 10_000);
      const before = reader.received.length;
      // 2,000 events in 100 transactions; each key gets its events in sequence.
      for (let batch = 0; batch < 100; batch++) {
        const written = await db.dataSource.transaction((manager) =>
          outbox.publish(
            manager,
            Array.from({ length: 20 }, (_, i) => filled(keys[(batch + i) % keys.length])),
          ),
        );
        written.forEach((id) => ids.add(id));
      }
      await reader.waitFor(before + 2000, 30_000);
      await new Promise((done) => setTimeout(done, 500));
      const fresh = reader.received.slice(before);
      const seen = fresh.map((r) => headerText(r.message.headers, 'ce_id') as string);
      expect(new Set(seen).size).toBe(2000);
      expect(seen.length).toBe(2000);
      expect(seen.every((id) => ids.has(id))).toBe(true);
      // Order per key: the outbox ids of one key's events arrive increasing.
      const rows: { event_id: string; id: string }[] = await db.dataSource.query(
        `SELECT event_id, id FROM messaging_outbox`,
      );
      const rank = new Map(rows.map((row) => [row.event_id, Number(row.id)]));
      const lastByKey = new Map<string, number>();
      for (const r of fresh) {
        const key = r.message.key?.toString() as string;
        const position = rank.get(headerText(r.message.headers, 'ce_id') as string) as number;
        expect(position).toBeGreaterThan(lastByKey.get(key) ?? -1);
        lastByKey.set(key, position);
      }
    } finally {
      await Promise.all(relays.map((r) => r.stop()));
      await reader.stop();
    }
  });

  it('refuses to write outside a transaction and refuses invalid events', async () => {
    await expect(outbox.publish(db.dataSource.manager, filled())).rejects.toThrow(/transaction/);
    const invalid = InternshipFilled.of({
      internshipId: 'not-a-uuid',
      companyId: randomUUID(),
      academy: '16',
    });
    await expect(
      db.dataSource.transaction((manager) => outbox.publish(manager, invalid)),
    ).rejects.toThrow(/internshipId/);
  });

  it('refuses an event over the size limit, naming its type and size, and writes nothing', async () => {
    const rows = async () =>
      (await db.dataSource.query('SELECT count(*)::int AS n FROM messaging_outbox'))[0].n;
    const before = await rows();
    const oversized = meetup(Math.ceil(MAX_RECORD_BYTES / 39));
    // The error is caught inside: the transaction commits, with nothing of the call in it.
    await db.dataSource.transaction(async (manager) => {
      await expect(outbox.publish(manager, [filled(), oversized])).rejects.toThrow(
        new RegExp(
          `${MeetupScheduled.type} is \\d+ bytes, over the outbox limit of ${MAX_RECORD_BYTES}`,
        ),
      );
    });
    expect(await rows()).toBe(before);
  });

  it('publishes events that fit alone but not together in one send (several per partition)', async () => {
    const reader = await tap(kafka, [meetups]);
    const running = relay();
    running.start();
    try {
      // One key: the three go to one partition, ~1.2 MB in one record batch.
      const meetupId = randomUUID();
      const ids = await db.dataSource.transaction((manager) =>
        outbox.publish(manager, [
          meetup(10_000, meetupId),
          meetup(10_000, meetupId),
          meetup(10_000, meetupId),
        ]),
      );
      await reader.waitFor(3, 20_000);
      expect(reader.received.map((r) => headerText(r.message.headers, 'ce_id'))).toEqual(ids);
      await eventually(async () => (await unsentRows(db.dataSource)) === 0, 5000);
    } finally {
      await running.stop();
      await reader.stop();
    }
  });
});
