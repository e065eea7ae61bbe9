import { ALL_TOPICS, TopicDefinition } from '@tremplin/contracts';
import type { Admin, ITopicConfig } from 'kafkajs';
import { createKafka } from './client';

export function topicName(prefix: string, logical: string): string {
  return `${prefix}${logical}`;
}

/**
 * `max.message.bytes` of the retry and dead-letter topics. Their records are consumed ones (up to
 * the broker's 1 MB `message.max.bytes`, whoever produced them) plus the consumer's headers
 * (error text, origin): a topic-level limit may exceed the broker's, and 4 MB leaves room.
 */
export const RETRY_TOPIC_MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** Retry tiers and dead letters belong to a consumer group (one per service). */
export function retryTopic(prefix: string, service: string, tier: number): string {
  return `${prefix}${service}.retry.${tier}`;
}

export function deadLetterTopic(prefix: string, service: string): string {
  return `${prefix}${service}.dlt`;
}

/**
 * The topics a service needs: those it publishes on, those it consumes events or tombstones of
 * (so that its consumer can start before the producer), and its own retry and dead-letter topics.
 */
export function topicsFor(options: {
  service: string;
  prefix: string;
  partitions: number;
  replicationFactor: number;
  consumed: readonly TopicDefinition[];
  retryTiers: number;
}): ITopicConfig[] {
  const logical = new Map<string, TopicDefinition>();
  for (const topic of ALL_TOPICS)
    if (topic.producers.some((producer) => producer === options.service))
      logical.set(topic.name, topic);
  for (const topic of options.consumed) logical.set(topic.name, topic);
  const base = { numPartitions: options.partitions, replicationFactor: options.replicationFactor };
  const configs: ITopicConfig[] = [...logical.values()].map((topic) => ({
    ...base,
    topic: topicName(options.prefix, topic.name),
    configEntries: topic.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
  }));
  if (options.consumed.length > 0) {
    const maxMessageBytes = {
      name: 'max.message.bytes',
      value: String(RETRY_TOPIC_MAX_MESSAGE_BYTES),
    };
    for (let tier = 1; tier <= options.retryTiers; tier++)
      configs.push({
        ...base,
        topic: retryTopic(options.prefix, options.service, tier),
        configEntries: [maxMessageBytes],
      });
    // Dead letters are kept for a month: someone has to look at them.
    configs.push({
      ...base,
      topic: deadLetterTopic(options.prefix, options.service),
      configEntries: [
        maxMessageBytes,
        { name: 'retention.ms', value: String(30 * 24 * 3600 * 1000) },
      ],
    });
  }
  return configs;
}

/** Creates whatever is missing; existing topics are left as they are. */
export async function ensureTopics(admin: Admin, topics: ITopicConfig[]): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((topic) => !existing.has(topic.topic));
  if (missing.length === 0) return [];
  await admin.createTopics({ topics: missing, waitForLeaders: false });
  const names = missing.map((topic) => topic.topic);
  await waitForLeaders(admin, names);
  return names;
}

/**
 * Waits until every partition of the topics has a leader. kafkajs's own `waitForLeaders` gives
 * up when a freshly created topic is not yet in the broker's metadata ("This server does not
 * host this topic-partition"), which a just-started KRaft broker answers for a moment.
 */
async function waitForLeaders(admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      const ready = metadata.every(
        (topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0),
      );
      if (ready) return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`No leader for ${topics.join(', ')} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Creates topics by name (tests and tools; services get theirs from MessagingModule at start-up). */
export async function createTopics(options: {
  brokers: string[];
  topics: string[];
  partitions?: number;
  compacted?: string[];
}): Promise<void> {
  const admin = createKafka('topic-admin', options.brokers, { quiet: true }).admin();
  await admin.connect();
  try {
    await ensureTopics(
      admin,
      options.topics.map((topic) => ({
        topic,
        numPartitions: options.partitions ?? 1,
        configEntries: options.compacted?.includes(topic)
          ? [{ name: 'cleanup.policy', value: 'compact' }]
          : [],
      })),
    );
  } finally {
    await admin.disconnect();
  }
}
