import { randomBytes, randomUUID } from 'node:crypto';
import { InternshipFilled, KafkaRecord, toKafkaRecord } from '@tremplin/contracts';
import { eventually, uniqueTopicPrefix } from '@tremplin/testing-infrastructure';
import { Partitioners } from 'kafkajs';
import { Registry } from 'prom-client';
import {
  createKafka,
  EventConsumer,
  EventHandler,
  HandlerContext,
  Handles,
  MessagingMetrics,
  Outbox,
  RETRY_HEADERS,
} from '../../src';
import { filled } from '../events';
import {
  createDatabase,
  createInternshipTopics,
  Effect,
  effectCounts,
  metricTotal,
  header,
  tap,
  TestDatabase,
  testKafka,
} from '../support';

jest.setTimeout(180_000);

@Handles(InternshipFilled)
class RecordEffectWhenInternshipFilled implements EventHandler<InternshipFilled> {
  async handle(event: InternshipFilled, { manager, attributes }: HandlerContext): Promise<void> {
    await manager.insert(Effect, { eventId: attributes.id, key: event.internshipId });
  }
}

/** Every kind of record the consumer must refuse, each with the reason it must give. */
const MALFORMED: [
  RegExp,
  () => { key: string | null; value: string | null; headers: Record<string, string> },
][] = [
  [/not a CloudEvent/, () => ({ key: randomUUID(), value: 'hello', headers: {} })],
  [/invalid JSON/, () => ({ ...valid(), value: '{"internshipId":' })],
  [
    /unknown event type/,
    () => ({
      ...valid(),
      headers: { ...valid().headers, ce_type: 'fr.tremplin.companies.Unheard.v1' },
    }),
  ],
  [
    /invalid fr\.tremplin\.companies\.InternshipFilled\.v1: internshipId must be a UUID/,
    () => ({
      ...valid(),
      value: JSON.stringify({ internshipId: 'x', companyId: randomUUID(), academy: '16' }),
    }),
  ],
  [/data is not a JSON object/, () => ({ ...valid(), value: '"a string"' })],
  [/empty value/, () => ({ ...valid(), value: null })],
  [
    /unsupported content-type/,
    () => ({ ...valid(), headers: { ...valid().headers, 'content-type': 'text/plain' } }),
  ],
  // Ids the inbox cannot store: PostgreSQL text refuses NUL; a huge one does not fit its index.
  [
    /ce_id contains a control character/,
    () => ({ ...valid(), headers: { ...valid().headers, ce_id: `${randomUUID()}\u0000` } }),
  ],
  [
    /ce_id is longer than 200 characters/,
    () => ({
      ...valid(),
      headers: { ...valid().headers, ce_id: randomBytes(6000).toString('base64') },
    }),
  ],
];

function valid(): KafkaRecord {
  return toKafkaRecord(filled(), { source: 'companies' });
}

describe('fault: 1,000 malformed records mixed into a valid stream', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createDatabase('malformed');
  });

  afterAll(async () => {
    await db.drop();
  });

  it('processes every valid event, dead-letters every malformed one with its reason, and never stops', async () => {
    const prefix = uniqueTopicPrefix('malformed');
    const kafka = testKafka();
    const { topic, deadLetter: dlt } = await createInternshipTopics(kafka, prefix, 4);

    const stream: { key: string | null; value: string | null; headers: Record<string, string> }[] =
      [];
    const expectedReason = new Map<string, RegExp>();
    for (let i = 0; i < 6000; i++) {
      if (i % 6 === 3) {
        const [reason, make] = MALFORMED[((i / 6) % MALFORMED.length) | 0];
        const record = make();
        const marker = randomUUID();
        record.headers = { ...record.headers, 'x-test-marker': marker };
        expectedReason.set(marker, reason);
        stream.push(record);
      } else {
        stream.push(valid());
      }
    }
    expect(expectedReason.size).toBe(1000);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await producer.connect();
    for (let i = 0; i < stream.length; i += 500)
      await producer.send({ topic, messages: stream.slice(i, i + 500) });

    const dead = await tap(kafka, [dlt]);
    const metrics = new MessagingMetrics(new Registry());
    const consumer = new EventConsumer(
      db.dataSource,
      createKafka('malformed', ['127.0.0.1:9092'], { quiet: true }),
      new Outbox('matching'),
      {
        service: 'matching',
        prefix,
        subscriptions: [
          {
            name: 'RecordEffectWhenInternshipFilled',
            eventClass: InternshipFilled,
            handler: new RecordEffectWhenInternshipFilled(),
          },
        ],
        retryDelaysMs: [200],
      },
      metrics,
    );
    await consumer.start();
    try {
      const count = async (): Promise<number> => (await effectCounts(db.dataSource)).effects;
      await eventually(
        async () => (await count()) >= 5000,
        120_000,
        () => 'valid events',
      );
      const parked = await dead.waitFor(1000, 60_000);
      expect(parked).toHaveLength(1000);
      for (const { message } of parked) {
        const marker = header(message, 'x-test-marker') as string;
        expect(header(message, RETRY_HEADERS.reason)).toMatch(expectedReason.get(marker) as RegExp);
        expect(header(message, RETRY_HEADERS.originalTopic)).toBe(topic);
        expectedReason.delete(marker);
      }
      expect(expectedReason.size).toBe(0);

      // Still consuming afterwards, in the same group membership (no crash, no restart).
      const last = valid();
      await producer.send({ topic, messages: [last] });
      await eventually(
        async () =>
          (
            await db.dataSource.query('SELECT 1 FROM test_effect WHERE event_id = $1', [
              last.headers['ce_id'],
            ])
          ).length === 1,
        20_000,
      );
      expect(await count()).toBe(5001);
      expect(consumer.joins).toBe(1);
      expect(await metricTotal(metrics.deadLettered)).toBe(1000);
    } finally {
      await consumer.stop();
      await dead.stop();
      await producer.disconnect();
    }
  });
});
