import {
  CloudEventAttributes,
  EventClass,
  IntegrationEvent,
  TopicDefinition,
} from '@tremplin/contracts';
import { EventReader, ReadEvent } from '@tremplin/messaging';
import { SHARED_KAFKA_BROKERS } from '@tremplin/testing-infrastructure';

/**
 * Watches topics (from their beginning) and waits for events, e.g.
 *
 *   const events = await watchEvents({ prefix, topics: [TOPICS.placements] });
 *   const { event } = await events.waitFor(StudentPlaced, (e) => e.studentId === studentId);
 *   await events.stop();
 */
export async function watchEvents(options: {
  prefix: string;
  topics: readonly TopicDefinition[];
  brokers?: string;
}): Promise<EventWatcher> {
  const brokers = (options.brokers ?? SHARED_KAFKA_BROKERS).split(',');
  return new EventWatcher(
    await EventReader.start({ brokers, prefix: options.prefix, topics: options.topics }),
  );
}

export class EventWatcher {
  constructor(private readonly reader: EventReader) {}

  /** Every valid event read so far. */
  get events(): readonly ReadEvent[] {
    return this.reader.events;
  }

  waitFor<T extends IntegrationEvent>(
    eventClass: EventClass<T>,
    predicate?: (event: T, attributes: CloudEventAttributes) => boolean,
    timeoutMs?: number,
  ): Promise<ReadEvent<T>> {
    return this.reader.waitFor(eventClass, predicate, timeoutMs);
  }

  stop(): Promise<void> {
    return this.reader.stop();
  }
}
