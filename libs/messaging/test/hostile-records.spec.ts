// Records that must not stop or fool a consumer (issue 10), each on the real broker and database:
// what a record says about itself is checked against where it is and what its data says.
import { randomUUID } from 'node:crypto';
import {
  ContactDetailsChanged,
  headerText,
  InternshipFilled,
  KafkaRecord,
  MatchExpired,
  toKafkaRecord,
  TOPICS,
} from '@tremplin/contracts';
import { eventually, sleep, uniqueTopicPrefix } from '@tremplin/testing-infrastructure';
import { Kafka, Producer } from 'kafkajs';
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
  Subscription,
} from '../src';
import {
  createTopics as createCompactedTopics,
  deadLetterTopic,
  retryTopic,
} from '../src/kafka/topics';
import {
  contactDetails,
  EraseContactWhenTombstoned,
  SaveContactWhenDetailsChanged,
} from './contacts';
import { filled } from './events';
import {
  BROKERS,
  createDatabase,
  createTopics,
  Effect,
  tap,
  TestDatabase,
  testKafka,
} from './support';
import { orderedProducer } from './producer';

jest.setTimeout(120_000);

/** One effect row per event; records the caller it ran as; may publish a follow-up. */
@Handles(InternshipFilled)
class RecordEffectWhenInternshipFilled implements EventHandler<InternshipFilled> {
  readonly callers: HandlerContext['caller'][] = [];
  followUp: ((event: InternshipFilled) => MatchExpired) | undefined;

  async handle(event: InternshipFilled, context: HandlerContext): Promise<void> {
    this.callers.push(context.caller);
    await context.manager.insert(Effect, {
      eventId: context.attributes.id,
      key: event.internshipId,
    });
    if (this.followUp) await context.publish(this.followUp(event));
  }
}

describe('records that must not stop or fool a consumer (real PostgreSQL and Kafka)', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let producer: Producer;
  let prefix: string;
  let internships: string;
  let contacts: string;
  let dlt: string;

  beforeAll(async () => {
    db = await createDatabase('hostile');
    kafka = testKafka();
    producer = await orderedProducer(kafka);
  });

  afterAll(async () => {
    await producer.disconnect();
    await db.drop();
  });

  beforeEach(async () => {
    prefix = uniqueTopicPrefix('hostile');
    internships = prefix + TOPICS.internships.name;
    contacts = prefix + TOPICS.contacts.name;
    dlt = deadLetterTopic(prefix, 'matching');
    await createTopics(kafka, [internships, retryTopic(prefix, 'matching', 1), dlt], 3);
    await createCompactedTopics({
      brokers: BROKERS.split(','),
      topics: [contacts],
      partitions: 3,
      compacted: [contacts],
    });
    await db.dataSource.query('TRUNCATE test_effect, messaging_inbox, messaging_outbox');
  });

  function consumer(subscriptions: Subscription[]) {
    const metrics = new MessagingMetrics(new Registry());
    const running = new EventConsumer(
      db.dataSource,
      createKafka('hostile-test', BROKERS.split(','), { quiet: true }),
      new Outbox('matching'),
      { service: 'matching', prefix, subscriptions, retryDelaysMs: [200] },
      metrics,
    );
    return { running, metrics };
  }

  const effects = async (): Promise<string[]> =>
    (await db.dataSource.query('SELECT event_id FROM test_effect ORDER BY id')).map(
      (row: { event_id: string }) => row.event_id,
    );

  async function send(
    records: { key: string | null; value: string | null; headers?: Record<string, string> }[],
    topic: string,
  ) {
    const [metadata] = await producer.send({ topic, messages: records, acks: -1 });
    return records.map((_, index) => ({
      partition: String(metadata.partition),
      offset: (BigInt(metadata.baseOffset as string) + BigInt(index)).toString(),
    }));
  }

  const record = (event: InternshipFilled): KafkaRecord =>
    toKafkaRecord(event, { source: 'companies' });

  /** Waits for the dead-lettered records of these ids, and returns their reasons by id. */
  async function deadLettered(ids: string[]): Promise<Map<string, string>> {
    const dead = await tap(kafka, [dlt]);
    try {
      await eventually(
        () =>
          ids.every((id) =>
            dead.received.some((r) => headerText(r.message.headers, 'ce_id') === id),
          ),
        30_000,
        () => `dead-lettered ${dead.received.length} of ${ids.length}`,
      );
      return new Map(
        dead.received.map((r) => [
          headerText(r.message.headers, 'ce_id') as string,
          headerText(r.message.headers, RETRY_HEADERS.reason) as string,
        ]),
      );
    } finally {
      await dead.stop();
    }
  }

  const effectOf = (handler: RecordEffectWhenInternshipFilled): Subscription => ({
    name: 'RecordEffectWhenInternshipFilled',
    eventClass: InternshipFilled,
    handler,
  });

  it('dead-letters a type of hundreds of digits and deeply nested data, with their reasons, and handles what follows on the partition', async () => {
    const key = randomUUID(); // one key: one partition
    const hugeVersion = record(filled(key));
    const hugeType = `fr.tremplin.companies.Unheard.v${'9'.repeat(150)}`;
    hugeVersion.headers['ce_type'] = hugeType;
    const nested = record(filled(key));
    nested.value = `{"internshipId":${'['.repeat(3000)}${']'.repeat(3000)}}`;
    const after = record(filled(key));
    await send([hugeVersion, nested, after], internships);
    const { running } = consumer([effectOf(new RecordEffectWhenInternshipFilled())]);
    await running.start();
    try {
      const reasons = await deadLettered([hugeVersion.headers['ce_id'], nested.headers['ce_id']]);
      expect(reasons.get(hugeVersion.headers['ce_id'])).toBe(
        `malformed: unknown event type ${hugeType}`,
      );
      expect(reasons.get(nested.headers['ce_id'])).toBe(
        'malformed: data is nested deeper than 32 levels',
      );
      await eventually(async () => (await effects()).length === 1, 20_000);
      expect(await effects()).toEqual([after.headers['ce_id']]);
    } finally {
      await running.stop();
    }
  });

  describe('x-original-* headers are believed on the service’s own retry tiers only', () => {
    const notifications = (erase: EraseContactWhenTombstoned) =>
      consumer([
        effectOf(new RecordEffectWhenInternshipFilled()),
        {
          name: 'SaveContactWhenDetailsChanged',
          eventClass: ContactDetailsChanged,
          handler: new SaveContactWhenDetailsChanged(),
        },
        { name: 'EraseContactWhenTombstoned', topic: TOPICS.contacts, handler: erase },
      ]);
    const details = (personId: string) => {
      const { key, value, headers } = toKafkaRecord(contactDetails(personId), {
        source: 'schools',
      });
      return { key, value, headers };
    };
    const copies = async (): Promise<string[]> =>
      (await db.dataSource.query('SELECT key FROM test_effect ORDER BY key')).map(
        (row: { key: string }) => row.key,
      );

    it('a tombstone on another topic posing as a retry of private.contacts erases nothing', async () => {
      const person = randomUUID();
      await send([details(person)], contacts);
      const erase = new EraseContactWhenTombstoned();
      const { running, metrics } = notifications(erase);
      await running.start();
      try {
        await eventually(async () => (await copies()).includes(person), 20_000);
        const forged = {
          key: person,
          value: null,
          headers: {
            [RETRY_HEADERS.originalTopic]: contacts,
            [RETRY_HEADERS.originalPartition]: '0',
            [RETRY_HEADERS.originalOffset]: '0',
            [RETRY_HEADERS.tier]: '1',
          },
        };
        await send([forged, record(filled())], internships);
        await eventually(async () => (await effects()).length === 2, 20_000);
        await sleep(500);
        expect(erase.calls).toEqual([]);
        expect(await copies()).toContain(person);
        const ignored = await metrics.consumed.get();
        expect(ignored.values).toContainEqual(
          expect.objectContaining({
            labels: { topic: TOPICS.internships.name, type: 'tombstone', outcome: 'ignored' },
            value: 1,
          }),
        );
      } finally {
        await running.stop();
      }
    });

    it('a real tombstone carrying the position of an erasure already handled is not taken for its duplicate', async () => {
      const [first, second] = [randomUUID(), randomUUID()];
      const [, firstAt] = await send([details(first), { key: first, value: null }], contacts);
      const erase = new EraseContactWhenTombstoned();
      const { running } = notifications(erase);
      await running.start();
      try {
        await eventually(() => erase.calls.length === 1, 20_000);
        await send([details(second)], contacts);
        await eventually(async () => (await copies()).includes(second), 20_000);
        const [secondAt] = await send(
          [
            {
              key: second,
              value: null,
              headers: {
                [RETRY_HEADERS.originalTopic]: contacts,
                [RETRY_HEADERS.originalPartition]: firstAt.partition,
                [RETRY_HEADERS.originalOffset]: firstAt.offset,
              },
            },
          ],
          contacts,
        );
        await eventually(() => erase.calls.length === 2, 20_000);
        expect(erase.calls[1]).toEqual({
          key: second,
          context: {
            topic: TOPICS.contacts.name,
            partition: Number(secondAt.partition),
            offset: secondAt.offset,
            attempt: 0,
          },
        });
        // Recorded by the handler before its transaction commits: the erasure shows soon after.
        await eventually(async () => (await copies()).length === 0, 20_000);
      } finally {
        await running.stop();
      }
    });
  });

  it('dead-letters an event on another topic than its own, from a service that does not produce it, or under another key, with the reason', async () => {
    const handler = new RecordEffectWhenInternshipFilled();
    const { running } = consumer([
      effectOf(handler),
      {
        name: 'SaveContactWhenDetailsChanged',
        eventClass: ContactDetailsChanged,
        handler: new SaveContactWhenDetailsChanged(),
      },
    ]);
    const onContacts = record(filled());
    const fromMatching = toKafkaRecord(filled(), { source: 'companies' });
    fromMatching.headers['ce_source'] = '/tremplin/matching';
    const otherKey = record(filled());
    const good = record(filled());
    await send([onContacts], contacts);
    await send([fromMatching, { ...otherKey, key: randomUUID() }, good], internships);
    await running.start();
    try {
      const reasons = await deadLettered([
        onContacts.headers['ce_id'],
        fromMatching.headers['ce_id'],
        otherKey.headers['ce_id'],
      ]);
      expect(reasons.get(onContacts.headers['ce_id'])).toBe(
        `malformed: fr.tremplin.companies.InternshipFilled.v1 belongs on companies.internships, not on private.contacts`,
      );
      expect(reasons.get(fromMatching.headers['ce_id'])).toBe(
        'malformed: fr.tremplin.companies.InternshipFilled.v1 is published by /tremplin/companies, not by /tremplin/matching',
      );
      expect(reasons.get(otherKey.headers['ce_id'])).toMatch(
        /^malformed: the key of fr\.tremplin\.companies\.InternshipFilled\.v1 must be its internshipId /,
      );
      await eventually(async () => (await effects()).length === 1, 20_000);
      expect(await effects()).toEqual([good.headers['ce_id']]);
    } finally {
      await running.stop();
    }
  });

  it("takes the academy from the payload: the caller's, each follow-up's own, and a record whose ce_academy disagrees is dead-lettered", async () => {
    const handler = new RecordEffectWhenInternshipFilled();
    handler.followUp = (event) =>
      MatchExpired.of({
        proposalId: randomUUID(),
        studentId: randomUUID(),
        internshipId: event.internshipId,
        academy: '17',
      });
    const { running } = consumer([effectOf(handler)]);
    const noHeader = record(filled());
    delete noHeader.headers['ce_academy'];
    const disagreeing = record(filled());
    disagreeing.headers['ce_academy'] = '17';
    await send([noHeader, disagreeing], internships);
    await running.start();
    try {
      const reasons = await deadLettered([disagreeing.headers['ce_id']]);
      expect(reasons.get(disagreeing.headers['ce_id'])).toBe(
        "malformed: ce_academy 17 is not the data's academy 16",
      );
      await eventually(async () => (await effects()).length === 1, 20_000);
      expect(handler.callers).toEqual([expect.objectContaining({ academy: '16' })]);
      const [followUp] = await db.dataSource.query(
        `SELECT headers FROM messaging_outbox WHERE topic = $1`,
        [TOPICS.proposals.name],
      );
      expect(followUp.headers).toEqual(
        expect.objectContaining({
          ce_academy: '17',
          ce_causationid: noHeader.headers['ce_id'],
        }),
      );
    } finally {
      await running.stop();
    }
  });
});
