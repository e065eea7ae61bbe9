import { randomUUID } from 'node:crypto';
import {
  CloudEventAttributes,
  EventClass,
  IntegrationEvent,
  parseKafkaRecord,
  TopicDefinition,
} from '@tremplin/contracts';
import { Consumer } from 'kafkajs';
import { createKafka } from './client';

export interface ReadEvent<T extends IntegrationEvent = IntegrationEvent> {
  event: T;
  attributes: CloudEventAttributes;
  topic: string;
}

/**
 * Reads topics from the beginning in a throwaway consumer group and keeps what it parsed, for
 * tests ("wait until StudentPlaced for this student shows up"). Not for production consumers:
 * it has no inbox and commits nothing that matters.
 */
export class EventReader {
  readonly events: ReadEvent[] = [];
  readonly malformed: { topic: string; reason: string }[] = [];
  private waiters: (() => void)[] = [];

  private constructor(private readonly consumer: Consumer) {}

  static async start(options: {
    brokers: string[];
    prefix?: string;
    topics: readonly (TopicDefinition | string)[];
  }): Promise<EventReader> {
    const kafka = createKafka(`event-reader-${randomUUID().slice(0, 8)}`, options.brokers, {
      quiet: true,
    });
    const consumer = kafka.consumer({
      groupId: `event-reader-${randomUUID()}`,
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
    });
    const reader = new EventReader(consumer);
    const prefix = options.prefix ?? '';
    await consumer.connect();
    await consumer.subscribe({
      topics: options.topics.map(
        (topic) => prefix + (typeof topic === 'string' ? topic : topic.name),
      ),
      fromBeginning: true,
    });
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const parsed = parseKafkaRecord(message);
        if (parsed.kind === 'event')
          reader.events.push({ event: parsed.event, attributes: parsed.attributes, topic });
        else if (parsed.kind === 'malformed')
          reader.malformed.push({ topic, reason: parsed.reason });
        const waiters = reader.waiters;
        reader.waiters = [];
        waiters.forEach((wake) => wake());
      },
    });
    return reader;
  }

  /** Resolves with the first event of that class matching the predicate (already read or to come). */
  async waitFor<T extends IntegrationEvent>(
    eventClass: EventClass<T>,
    predicate: (event: T, attributes: CloudEventAttributes) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<ReadEvent<T>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(
        (read): read is ReadEvent<T> =>
          read.event instanceof eventClass && predicate(read.event as T, read.attributes),
      );
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `No ${eventClass.type} matching the predicate within ${timeoutMs} ms (read ${this.events.length} events)`,
        );
      await new Promise<void>((wake) => {
        const timer = setTimeout(wake, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(timer);
          wake();
        });
      });
    }
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }
}
