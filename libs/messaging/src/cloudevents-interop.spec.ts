import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALL_TOPICS, EventClass, eventClassOf, examples, ServiceName } from '@tremplin/contracts';
import {
  CloudEvent,
  Kafka as CloudEventsKafka,
  KafkaMessage as CloudEventsKafkaMessage,
} from 'cloudevents';
import { Registry } from 'prom-client';
import { uniqueTopicPrefix as uniquePrefix } from '@tremplin/testing-infrastructure';
import { createDatabase, createTopics, tap, TestDatabase, testKafka } from '../test/support';
import { createKafka } from './kafka/client';
import { MessagingMetrics } from './metrics';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox-relay';

jest.setTimeout(60_000);

// ajv ships with the cloudevents SDK and @asyncapi/parser; the schemas are the generated files.
const ajv = new Ajv({ allErrors: true });
addFormats(ajv);
const schemasDir = join(__dirname, '..', '..', 'contracts', 'generated', 'schemas');

describe('messages produced by the outbox relay, read with the official cloudevents SDK', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createDatabase('interop');
  });

  afterAll(async () => {
    await db.drop();
  });

  it('are valid CloudEvents whose data validates against the generated JSON Schema of their type', async () => {
    const prefix = uniquePrefix('interop');
    const kafka = testKafka();
    await createTopics(
      kafka,
      ALL_TOPICS.map((topic) => prefix + topic.name),
      1,
    );
    const all = examples();
    await db.dataSource.transaction(async (manager) => {
      for (const event of all) {
        const producer = (event.constructor as EventClass).topic.producers[0] as ServiceName;
        await new Outbox(producer).publish(manager, event, {
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        });
      }
    });
    const reader = await tap(
      kafka,
      ALL_TOPICS.map((topic) => prefix + topic.name),
    );
    const relay = new OutboxRelay(
      db.dataSource,
      createKafka('interop', ['127.0.0.1:9092'], { quiet: true }),
      { prefix },
      new MessagingMetrics(new Registry()),
    );
    relay.start();
    try {
      const received = await reader.waitFor(all.length, 20_000);
      const types = new Set<string>();
      for (const { message, topic } of received) {
        const headers = Object.fromEntries(
          Object.entries(message.headers ?? {}).map(([name, value]) => [name, String(value)]),
        );
        const value = message.value?.toString() as string;
        const record: CloudEventsKafkaMessage<string> = {
          key: message.key?.toString() as string,
          value,
          headers,
          body: value,
        };
        const event = CloudEventsKafka.toEvent(record) as CloudEvent<Record<string, unknown>>;
        expect(event.validate()).toBe(true);
        expect(event.traceparent).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
        expect(topic).toBe(prefix + eventClassOf(event.type)?.topic.name);
        const schema = JSON.parse(readFileSync(join(schemasDir, `${event.type}.json`), 'utf8'));
        expect(schema.$id).toBe(event.dataschema);
        const validate = ajv.getSchema(schema.$id) ?? ajv.compile(schema);
        expect({
          type: event.type,
          valid: validate(event.data),
          errors: validate.errors ?? null,
        }).toEqual({ type: event.type, valid: true, errors: null });
        types.add(event.type);
      }
      expect(types.size).toBe(all.length);
    } finally {
      await relay.stop();
      await reader.stop();
    }
  });
});
