import { TOPICS } from '@tremplin/contracts';
import { Admin, ConfigResourceTypes, IHeaders, Kafka, Producer } from 'kafkajs';
import { uniqueTopicPrefix as uniquePrefix } from '@tremplin/testing-infrastructure';
import { testKafka } from '../../test/support';
import {
  deadLetterTopic,
  ensureTopics,
  RETRY_TOPIC_MAX_MESSAGE_BYTES,
  retryTopic,
  topicName,
  topicsFor,
} from './topics';

jest.setTimeout(60_000);

describe('topicsFor and ensureTopics (real Kafka)', () => {
  const prefix = uniquePrefix('topics');
  const consumed = topicName(prefix, TOPICS.internships.name);
  const dlt = deadLetterTopic(prefix, 'matching');
  const retries = [retryTopic(prefix, 'matching', 1), retryTopic(prefix, 'matching', 2)];
  let kafka: Kafka;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    kafka = testKafka();
    admin = kafka.admin();
    await admin.connect();
    // Retries ride out a leader not yet elected on the new topics (NOT_LEADER is retriable);
    // MESSAGE_TOO_LARGE is not, so the size assertions below still fail at once.
    producer = kafka.producer({ retry: { retries: 5 } });
    await producer.connect();
    const topics = topicsFor({
      service: 'matching',
      prefix,
      partitions: 1,
      replicationFactor: 1,
      consumed: [TOPICS.internships],
      retryTiers: 2,
    });
    await ensureTopics(admin, topics);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await admin?.disconnect();
  });

  it('creates the retry and dead-letter topics with a message size above the broker default', async () => {
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [consumed, ...retries, dlt].map((name) => ({
        type: ConfigResourceTypes.TOPIC,
        name,
        configNames: ['max.message.bytes'],
      })),
    });
    const limit = (name: string) =>
      resources.find((resource) => resource.resourceName === name)?.configEntries[0]?.configValue;
    for (const topic of [...retries, dlt])
      expect(limit(topic)).toBe(String(RETRY_TOPIC_MAX_MESSAGE_BYTES));
    expect(Number(limit(consumed))).toBeLessThan(RETRY_TOPIC_MAX_MESSAGE_BYTES);
  });

  it('takes on the dead-letter topic a record of the broker limit plus the headers the consumer adds', async () => {
    // The largest record the consumed topic accepts (1 MB default, less the record overhead)...
    const record = { key: 'k', value: 'x'.repeat(1_048_000), headers: { ce_id: 'id' } };
    await producer.send({ topic: consumed, acks: -1, messages: [record] });
    // ... plus the consumer's error text (2,000 characters, up to 3 bytes each) and origin.
    const headers: IHeaders = {
      ...record.headers,
      'x-error': 'é'.repeat(2000),
      'x-original-topic': consumed,
      'x-original-offset': '123456',
    };
    await expect(
      producer.send({ topic: consumed, acks: -1, messages: [{ ...record, headers }] }),
    ).rejects.toThrow(/too large|larger/i);
    await producer.send({ topic: dlt, acks: -1, messages: [{ ...record, headers }] });
  });
});
