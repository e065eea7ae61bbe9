// Fuzz: thousands of random and mutated records, built from the contracts' valid examples, sent
// to a consumer on the real broker among valid ones. The consumer must never stop, never block a
// partition (every valid record handled, in order per key) and dead-letter each bad record with
// the reason its mutation calls for. FUZZ_SEED replays a run; FUZZ_RECORDS sets its size.
import { randomUUID } from 'node:crypto';
import {
  ContactDetailsChanged,
  EventClass,
  examples,
  headerText,
  IntegrationEvent,
  InternshipFilled,
  InternshipPosted,
  InternshipWithdrawn,
  toKafkaRecord,
  TOPICS,
} from '@tremplin/contracts';
import { eventually, uniqueTopicPrefix } from '@tremplin/testing-infrastructure';
import { Registry } from 'prom-client';
import {
  createKafka,
  EventConsumer,
  EventHandler,
  HandlesTombstones,
  MessagingMetrics,
  Outbox,
  RETRY_HEADERS,
  Subscription,
  TombstoneContext,
  TombstoneHandler,
} from '../../src';
import {
  createTopics as createCompactedTopics,
  deadLetterTopic,
  retryTopic,
} from '../../src/kafka/topics';
import { filled } from '../events';
import {
  BROKERS,
  createDatabase,
  createTopics,
  Effect,
  metricTotal,
  tap,
  TestDatabase,
  testKafka,
} from '../support';
import { orderedProducer } from '../producer';

jest.setTimeout(600_000);

const SEED = Number(process.env['FUZZ_SEED'] ?? Date.now() % 1_000_000);
const RECORDS = Number(process.env['FUZZ_RECORDS'] ?? 12_000);
/** Share of the records that are valid InternshipFilled events (order checked per key). */
const VALID_SHARE = 0.4;
const KEYS = 200;

/** mulberry32: a small seeded generator, so that a failing run can be replayed. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}
const random = generator(SEED);

/** A subscription writing a test_effect row (event id, key) per event of the class handled. */
function recorder<T extends IntegrationEvent>(
  eventClass: EventClass<T>,
  keyOf: (event: T) => string,
): Subscription {
  const handler: EventHandler<T> = {
    handle: async (event, { manager, attributes }) => {
      await manager.insert(Effect, { eventId: attributes.id, key: keyOf(event) });
    },
  };
  return { name: `Record${eventClass.name}`, eventClass, handler: handler as EventHandler };
}

@HandlesTombstones(TOPICS.contacts)
class RecordWhenTombstoned implements TombstoneHandler {
  async erase(key: string, { manager, partition, offset }: TombstoneContext): Promise<void> {
    await manager.insert(Effect, { eventId: `tombstone:${partition}:${offset}`, key });
  }
}

type Raw = { key: string | null; value: string | null; headers: Record<string, string> };
/** What must become of a record: its reason on the dead-letter topic, or none (ignored). */
type Expected = { kind: string; reason: RegExp } | { kind: string; ignored: true };

/** Examples of events handled here, on their home topic, with fresh ids. */
const HOME: readonly EventClass[] = [
  InternshipFilled,
  InternshipPosted,
  InternshipWithdrawn,
  ContactDetailsChanged,
];
const byClass = new Map(examples().map((event) => [event.constructor as EventClass, event]));

function fresh(eventClass: EventClass): IntegrationEvent {
  const data = JSON.parse(JSON.stringify(byClass.get(eventClass))) as Record<string, unknown>;
  for (const field of ['internshipId', 'companyId', 'personId'])
    if (field in data) data[field] = randomUUID();
  return (eventClass as unknown as { of(props: object): IntegrationEvent }).of(data);
}

function recordOf(event: IntegrationEvent): Raw {
  const eventClass = event.constructor as EventClass;
  const { key, value, headers } = toKafkaRecord(event, { source: eventClass.topic.producers[0] });
  return { key, value, headers: { ...headers } };
}

const CONTROL = [...Array.from({ length: 9 }, (_, i) => i), 0x0b, 0x0c, 0x0e, 0x1f, 0x1b, 0x00];
const control = () => String.fromCharCode(random.pick(CONTROL));
const ATTRIBUTES = ['ce_id', 'ce_source', 'ce_type', 'ce_subject', 'ce_correlationid', 'ce_time'];
const REQUIRED = ['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time'];

/** Each mutation: the record it makes from a valid one of its home topic, and what must become of it. */
const MUTATIONS: Record<string, (record: Raw, eventClass: EventClass) => Expected> = {
  truncated: (record) => {
    record.value = (record.value as string).slice(0, random.int((record.value as string).length));
    return { kind: 'truncated', reason: /^malformed: (invalid JSON|empty value)/ };
  },
  nested: (record) => {
    const depth = 33 + random.int(5000);
    const data = JSON.parse(record.value as string);
    data[random.pick(Object.keys(data))] = '__deep__';
    const open = random.next() < 0.5 ? '[' : '{"a":';
    const close = open === '[' ? ']' : '}';
    record.value = JSON.stringify(data).replace(
      '"__deep__"',
      `${open.repeat(depth)}1${close.repeat(depth)}`,
    );
    return { kind: 'nested', reason: /^malformed: data is nested deeper than 32 levels$/ };
  },
  'wrong type': (record, eventClass) => {
    const data = JSON.parse(record.value as string);
    data[eventClass.topic.key] = random.pick([42, [], {}, true, null, 1e308, '']);
    record.value = JSON.stringify(data);
    return { kind: 'wrong type', reason: /^malformed: invalid fr\.tremplin\./ };
  },
  'huge number': (record) => {
    const data = JSON.parse(record.value as string);
    data['academy'] = '__huge__';
    data['personId'] = data['personId'] === undefined ? undefined : '__huge__';
    record.value = JSON.stringify(data).replace(
      /"__huge__"/g,
      `${random.pick(['', '-'])}${'9'.repeat(300 + random.int(400))}${random.pick(['', '.5', 'e999'])}`,
    );
    return { kind: 'huge number', reason: /^malformed: invalid fr\.tremplin\./ };
  },
  'huge version': (record) => {
    // Hundreds of digits, within the 200 characters an attribute may have.
    const base = random.pick([
      record.headers['ce_type'].replace(/\.v1$/, '.v'),
      'fr.tremplin.companies.Unheard.v',
    ]);
    record.headers['ce_type'] = base + '9'.repeat(200 - base.length - random.int(50));
    return { kind: 'huge version', reason: /^malformed: unknown event type / };
  },
  'control character in a header': (record) => {
    const name = random.pick(ATTRIBUTES);
    const value = record.headers[name];
    const at = random.int(value.length + 1);
    record.headers[name] = value.slice(0, at) + control() + value.slice(at);
    return {
      kind: 'control character in a header',
      reason: new RegExp(`^malformed: ${name} contains a control character$`),
    };
  },
  'control character in the data': (record) => {
    const value = record.value as string;
    const at = 1 + random.int(value.length - 1);
    record.value = value.slice(0, at) + control() + value.slice(at);
    return { kind: 'control character in the data', reason: /^malformed: invalid JSON/ };
  },
  'huge attribute': (record) => {
    record.headers[random.pick(ATTRIBUTES)] = 'x'.repeat(201 + random.int(5000));
    return { kind: 'huge attribute', reason: /^malformed: ce_\w+ is longer than 200 characters/ };
  },
  'missing header': (record) => {
    delete record.headers[random.pick(REQUIRED)];
    return { kind: 'missing header', reason: /^malformed: not a CloudEvent: missing header/ };
  },
  'other spec version': (record) => {
    record.headers['ce_specversion'] = random.pick(['0.3', '2.0', '1', '1.0 ']);
    return {
      kind: 'other spec version',
      reason: /^malformed: unsupported CloudEvents specversion/,
    };
  },
  'other content type': (record) => {
    record.headers['content-type'] = random.pick(['text/plain', 'application/avro', 'json']);
    return { kind: 'other content type', reason: /^malformed: unsupported content-type/ };
  },
  'unknown type': (record) => {
    record.headers['ce_type'] = random.pick([
      'fr.tremplin.companies.Unheard.v1',
      'com.example.Thing',
      record.headers['ce_type'].toLowerCase(),
    ]);
    return { kind: 'unknown type', reason: /^malformed: unknown event type/ };
  },
  'wrong source': (record) => {
    record.headers['ce_source'] = random.pick([
      '/tremplin/matching',
      '/tremplin/notifications',
      'https://evil.example/tremplin/companies',
    ]);
    return { kind: 'wrong source', reason: /^malformed: fr\.tremplin\.\S+ is published by / };
  },
  'wrong key': (record) => {
    record.key = random.pick([randomUUID(), null, '', `${record.key} `]);
    return { kind: 'wrong key', reason: /^malformed: the key of fr\.tremplin\.\S+ must be its / };
  },
  'wrong academy': (record) => {
    record.headers['ce_academy'] = random.pick(['01', '17', '28', '']);
    if (record.headers['ce_academy'] === '') {
      // An empty header is an absent one to the parser: the academy is the payload's, valid.
      record.headers['ce_academy'] = '99';
    }
    return {
      kind: 'wrong academy',
      reason: /^malformed: ce_academy \d+ is not the data's academy/,
    };
  },
  'forged retry of private.contacts': (record) => {
    // A valid ContactDetailsChanged on the internships topic, posing as one of its retries.
    const contact = recordOf(fresh(ContactDetailsChanged));
    Object.assign(record, contact, {
      headers: { ...contact.headers, ...forgedOrigin(), [RETRY_HEADERS.tier]: '1' },
      topic: TOPICS.internships.name,
    });
    return {
      kind: 'forged retry of private.contacts',
      reason:
        /^malformed: fr\.tremplin\.contacts\.ContactDetailsChanged\.v1 belongs on private\.contacts, not on companies\.internships$/,
    };
  },
  'forged tombstone': (record) => {
    Object.assign(record, {
      key: randomUUID(),
      value: null,
      headers: forgedOrigin(),
      topic: TOPICS.internships.name,
    });
    return { kind: 'forged tombstone', ignored: true };
  },
  'wrong topic': (record) => {
    const other = random.pick(
      examples().filter((event) => (event.constructor as EventClass).topic !== TOPICS.internships),
    );
    Object.assign(record, recordOf(other), { topic: TOPICS.internships.name });
    return {
      kind: 'wrong topic',
      reason: /^malformed: fr\.tremplin\.\S+ belongs on \S+, not on companies\.internships$/,
    };
  },
  'other version': (record) => {
    record.headers['ce_type'] = record.headers['ce_type'].replace(
      /\.v1$/,
      `.v${2 + random.int(998)}`,
    );
    return { kind: 'other version', ignored: true };
  },
  garbage: (record) => {
    const bytes = Buffer.from(Array.from({ length: 1 + random.int(300) }, () => random.int(256)));
    record.key = random.next() < 0.5 ? null : bytes.toString('hex', 0, 8);
    record.value = bytes.toString('latin1');
    record.headers = { [`h${random.int(100)}`]: bytes.toString('base64', 0, 20) };
    return { kind: 'garbage', reason: /^malformed: not a CloudEvent/ };
  },
};

let contactsTopic = '';
function forgedOrigin(): Record<string, string> {
  return {
    [RETRY_HEADERS.originalTopic]: contactsTopic,
    [RETRY_HEADERS.originalPartition]: String(random.int(3)),
    [RETRY_HEADERS.originalOffset]: String(random.int(50)),
  };
}

describe('fault: fuzz, random and mutated records among valid ones', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createDatabase('fuzz', 12);
  });

  afterAll(async () => {
    await db.drop();
  });

  it(`never stops, never blocks a partition, dead-letters each bad record with its reason (${RECORDS} records)`, async () => {
    const prefix = uniqueTopicPrefix('fuzz');
    const kafka = testKafka();
    const internships = prefix + TOPICS.internships.name;
    contactsTopic = prefix + TOPICS.contacts.name;
    const dlt = deadLetterTopic(prefix, 'matching');
    await createTopics(kafka, [internships, retryTopic(prefix, 'matching', 1), dlt], 4);
    await createCompactedTopics({
      brokers: BROKERS.split(','),
      topics: [contactsTopic],
      partitions: 2,
      compacted: [contactsTopic],
    });

    // The stream: valid InternshipFilled events of KEYS keys (some with forged x-original-*
    // headers, which a first delivery must ignore), interleaved with mutated records.
    const keys = Array.from({ length: KEYS }, () => randomUUID());
    const sequence = new Map<string, string[]>(keys.map((key) => [key, []]));
    const expected = new Map<string, Expected>();
    const messages: { topic: string; record: Raw }[] = [];
    for (let i = 0; i < RECORDS; i++) {
      if (random.next() < VALID_SHARE) {
        const record = recordOf(filled(random.pick(keys)));
        if (random.next() < 0.1) Object.assign(record.headers, forgedOrigin());
        (sequence.get(record.key as string) as string[]).push(record.headers['ce_id']);
        messages.push({ topic: internships, record });
        continue;
      }
      const eventClass = random.pick(HOME);
      const record = recordOf(fresh(eventClass)) as Raw & { topic?: string };
      const kind = random.pick(Object.keys(MUTATIONS));
      const outcome = MUTATIONS[kind](record, eventClass);
      const marker = String(i);
      record.headers['x-fuzz'] = marker;
      expected.set(marker, outcome);
      const topic = record.topic ?? eventClass.topic.name;
      delete record.topic;
      // A compacted topic refuses a record without a key (the broker, before any consumer).
      if (topic === TOPICS.contacts.name && record.key === null) record.key = randomUUID();
      messages.push({ topic: prefix + topic, record });
    }
    const valid = [...sequence.values()].reduce((sum, ids) => sum + ids.length, 0);

    const producer = await orderedProducer(kafka);
    const dead = await tap(kafka, [dlt]);
    const metrics = new MessagingMetrics(new Registry());
    const subscriptions: Subscription[] = [
      recorder(InternshipFilled, (event) => event.internshipId),
      recorder(InternshipPosted, (event) => event.internshipId),
      recorder(InternshipWithdrawn, (event) => event.internshipId),
      recorder(ContactDetailsChanged, (event) => event.personId),
      { name: 'RecordWhenTombstoned', topic: TOPICS.contacts, handler: new RecordWhenTombstoned() },
    ];
    const consumer = new EventConsumer(
      db.dataSource,
      createKafka('fuzz', BROKERS.split(','), { quiet: true }),
      new Outbox('matching'),
      { service: 'matching', prefix, subscriptions, retryDelaysMs: [200] },
      metrics,
    );
    const started = Date.now();
    await consumer.start();
    try {
      // Sent while the consumer runs, in batches of consecutive records of one topic.
      for (let i = 0; i < messages.length;) {
        const topic = messages[i].topic;
        const batch: Raw[] = [];
        while (i < messages.length && messages[i].topic === topic && batch.length < 200)
          batch.push(messages[i++].record);
        await producer.send({ topic, messages: batch, acks: -1 });
      }
      const sentIn = Date.now() - started;
      const deadLettered = [...expected.values()].filter((outcome) => 'reason' in outcome).length;
      let handledSoFar = 0;
      await eventually(
        async () => (handledSoFar = (await handledFilled()).length) >= valid,
        300_000,
        () => `handled ${handledSoFar} of ${valid} valid events`,
      );
      await eventually(
        () =>
          new Set(dead.received.map((r) => headerText(r.message.headers, 'x-fuzz'))).size >=
          deadLettered,
        120_000,
        () => `dead-lettered ${dead.received.length} of ${deadLettered}`,
      );
      const doneIn = Date.now() - started;

      // Every valid event handled once, in order per key.
      const rows = await handledFilled();
      const handled = new Map<string, string[]>();
      for (const { key, event_id } of rows)
        handled.set(key, [...(handled.get(key) ?? []), event_id]);
      for (const [key, ids] of sequence) expect(handled.get(key) ?? []).toEqual(ids);

      // Each bad record dead-lettered with its mutation's reason, nothing else dead-lettered.
      const byReason = new Map<string, number>();
      const byKind = new Map<string, number>();
      const seen = new Set<string>();
      for (const { message } of dead.received) {
        const marker = headerText(message.headers, 'x-fuzz') as string;
        const outcome = expected.get(marker);
        const reason = headerText(message.headers, RETRY_HEADERS.reason) as string;
        expect({ marker, reason, kind: outcome?.kind }).toEqual({
          marker,
          reason: expect.stringMatching(outcome && 'reason' in outcome ? outcome.reason : /^$/),
          kind: expect.any(String),
        });
        if (seen.has(marker)) continue;
        seen.add(marker);
        byKind.set((outcome as Expected).kind, (byKind.get((outcome as Expected).kind) ?? 0) + 1);
        const shape = shapeOf(reason);
        byReason.set(shape, (byReason.get(shape) ?? 0) + 1);
      }
      expect(seen.size).toBe(deadLettered);
      const ignored = await metricTotal(metrics.consumed, { outcome: 'ignored' });
      expect(ignored).toBeGreaterThanOrEqual(
        [...expected.values()].filter((outcome) => 'ignored' in outcome).length,
      );

      // Still consuming, in the same group membership: no crash, no restart.
      const last = recordOf(filled());
      await producer.send({ topic: internships, messages: [last] });
      await eventually(
        async () =>
          (
            await db.dataSource.query('SELECT 1 FROM test_effect WHERE event_id = $1', [
              last.headers['ce_id'],
            ])
          ).length === 1,
        30_000,
      );
      expect(consumer.joins).toBe(1);
      expect(consumer.healthy).toBe(true);

      const lines = [
        `fuzz seed ${SEED}: ${messages.length} records sent in ${sentIn} ms, all processed in ${doneIn} ms`,
        `  valid InternshipFilled handled in order per key: ${rows.length} of ${valid} (${KEYS} keys)`,
        `  mutated: ${expected.size} (dead-lettered ${seen.size}, ignored as the contract says ${expected.size - deadLettered}; ignored counted by the consumer ${ignored})`,
        `  dead-lettered by mutation:`,
        ...[...byKind]
          .sort((a, b) => b[1] - a[1])
          .map(([kind, n]) => `    ${String(n).padStart(5)}  ${kind}`),
        `  dead-lettered by reason:`,
        ...[...byReason]
          .sort((a, b) => b[1] - a[1])
          .map(([shape, n]) => `    ${String(n).padStart(5)}  ${shape}`),
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    } finally {
      await consumer.stop();
      await dead.stop();
      await producer.disconnect();
    }

    async function handledFilled(): Promise<{ key: string; event_id: string }[]> {
      return db.dataSource.query(
        `SELECT e.key, e.event_id FROM test_effect e WHERE e.key = ANY($1) ORDER BY e.id`,
        [keys],
      );
    }
  });
});

/** A reason without its values: what kind of refusal it is. */
function shapeOf(reason: string): string {
  return reason
    .replace(/^malformed: /, '')
    .replace(/invalid JSON: .*/, 'invalid JSON')
    .replace(/^invalid fr\.tremplin\.\S+: .*/, 'invalid <type>: (its validation)')
    .replace(/unknown event type .*/, 'unknown event type')
    .replace(/fr\.tremplin\.\S+/g, '<type>')
    .replace(/belongs on \S+, not on \S+/, 'belongs on <its topic>, not on <this one>')
    .replace(
      /is published by .*, not by .*/,
      'is published by <its producers>, not by <this source>',
    )
    .replace(/must be its \w+ .*/, 'must be its <partition key>, not <this key>')
    .replace(/ce_academy \S+ (is not the data's academy) .*/, 'ce_academy <a> $1 <b>')
    .replace(/^ce_\w+ (contains|is longer)/, 'ce_<attribute> $1')
    .replace(/(longer than 200 characters) \(\d+\)/, '$1')
    .replace(/(missing header\(s\)) .*/, '$1 <names>')
    .replace(/(unsupported CloudEvents specversion|unsupported content-type) .*/, '$1 <value>');
}
