// What one chunk of a partition's records goes through: each record parsed and matched to this
// service's handlers, their effects stored with the inbox rows, failures sent on to be retried.
import {
  CloudEventAttributes,
  headerText,
  IntegrationEvent,
  parseKafkaRecord,
} from '@tremplin/contracts';
import { runInWorkContext, systemCaller } from '@tremplin/platform';
import type { KafkaMessage, Message, Producer } from 'kafkajs';
import type { EntityManager } from 'typeorm';
import { MessagingMetrics } from '../metrics';
import { Outbox } from '../outbox/outbox';
import { FailureRouter, Outgoing, RETRY_HEADERS } from './failure-router';
import { EventSubscription, HandlerContext, Subscription, TombstoneSubscription } from './handler';
import { InboxTransaction, Work } from './inbox-transaction';

/** Records of one partition, in offset order, processed together. */
export interface Chunk {
  topic: string;
  partition: number;
  messages: KafkaMessage[];
  /** The retry tier the records were read from, 0 for first deliveries. */
  tier: number;
  /** Group generation when handed over: a chunk of an earlier one is skipped (redelivered). */
  generation: number;
}

export class ChunkProcessor {
  private readonly byType = new Map<string, EventSubscription[]>();
  /** Tombstone handlers by logical topic. */
  private readonly byTopic = new Map<string, TombstoneSubscription[]>();

  constructor(
    private readonly prefix: string,
    subscriptions: readonly Subscription[],
    private readonly inbox: InboxTransaction,
    private readonly failures: FailureRouter,
    private readonly outbox: Outbox,
    /** The consumer's producer while it runs: retried and dead-lettered records go through it. */
    private readonly producer: () => Producer | undefined,
    private readonly metrics: MessagingMetrics,
  ) {
    for (const subscription of subscriptions)
      if ('eventClass' in subscription)
        add(this.byType, subscription.eventClass.type, subscription);
      else add(this.byTopic, subscription.topic.name, subscription);
    // A handler's name keys its inbox rows and routes its retries: two of one name would
    // share rows, and the second one's effect would be skipped as a duplicate.
    for (const [handled, list] of [...this.byType, ...this.byTopic]) {
      const names = list.map((subscription) => subscription.name);
      const twice = names.find((name, index) => names.indexOf(name) !== index);
      if (twice) throw new Error(`Two handlers of ${handled} are named ${twice}: rename one`);
    }
  }

  /**
   * Throws if the database or the broker fails (the lane retries the chunk in place); returns
   * once every record is handled, sent on to a retry tier or dead-lettered, or ignored.
   * `attempt`: in-place attempts at this chunk so far, counting this one.
   */
  async process(chunk: Chunk, attempt: number): Promise<void> {
    const { topic, partition, messages, tier } = chunk;
    const work: Work[] = [];
    const outgoing: Outgoing[] = [];
    for (const message of messages) {
      // Where the record was first published: a retry tier's record says so in its headers,
      // which only this service writes there; on any other topic they are not believed.
      const shownTopic = logicalTopic(
        this.prefix,
        (tier > 0 && headerText(message.headers, RETRY_HEADERS.originalTopic)) || topic,
      );
      const parsed = parseKafkaRecord(message, shownTopic);
      if (parsed.kind === 'malformed') {
        outgoing.push(this.failures.malformed(message, chunk, shownTopic, parsed));
        continue;
      }
      if (parsed.kind === 'event') {
        const subscriptions = this.forRecord(
          this.byType.get(parsed.attributes.type),
          tier,
          message,
        );
        if (subscriptions) {
          work.push(
            ...this.eventWork(parsed.attributes, parsed.event, shownTopic, message, subscriptions),
          );
          continue;
        }
      }
      if (parsed.kind === 'tombstone') {
        const subscriptions = this.forRecord(this.byTopic.get(shownTopic), tier, message);
        if (subscriptions) {
          work.push(
            ...this.tombstoneWork(parsed.key, shownTopic, partition, tier, message, subscriptions),
          );
          continue;
        }
      }
      // Events of a version this build does not know; events and tombstones nobody here handles.
      const type =
        parsed.kind === 'event'
          ? parsed.attributes.type
          : parsed.kind === 'other-version'
            ? parsed.type
            : 'tombstone';
      this.metrics.consumed.inc({ topic: shownTopic, type, outcome: 'ignored' });
    }
    if (work.length > 0)
      for (const { item, error } of await this.inbox.run(work, tier, attempt))
        outgoing.push(this.failures.failed(item, chunk, error));
    if (outgoing.length > 0) await this.send(outgoing);
  }

  /**
   * The subscriptions that a record is for: all of them on a first delivery; on a retry tier,
   * the one handler named by its x-handler header (every one for a record retried before the
   * inbox was per handler), none if this build no longer has it.
   */
  private forRecord<T extends Subscription>(
    subscriptions: T[] | undefined,
    tier: number,
    message: KafkaMessage,
  ): T[] | undefined {
    const handler = tier > 0 ? headerText(message.headers, RETRY_HEADERS.handler) : undefined;
    if (!subscriptions || handler === undefined) return subscriptions;
    const named = subscriptions.filter((subscription) => subscription.name === handler);
    return named.length > 0 ? named : undefined;
  }

  /** One work item per handler: each is recorded, run and retried apart. */
  private eventWork(
    attributes: CloudEventAttributes,
    event: IntegrationEvent,
    topic: string,
    message: KafkaMessage,
    subscriptions: EventSubscription[],
  ): Work[] {
    return subscriptions.map(({ name, handler }) => ({
      id: attributes.id,
      handler: name,
      type: attributes.type,
      topic,
      message,
      label: `${attributes.type} ${attributes.id}`,
      run: (manager, attempt) => {
        const context = this.contextFor(manager, attributes, attempt);
        // The audit log and the scope check see the system caller, as for an HTTP request.
        const origin = { requestId: attributes.correlationid, eventId: attributes.id };
        return runInWorkContext({ caller: context.caller, origin }, () =>
          handler.handle(event, context),
        );
      },
    }));
  }

  /**
   * A tombstone has no event id: its inbox id is where it was first read (the x-original-*
   * headers on a retry tier, and only there), so a redelivered or retried tombstone has no
   * second effect, and a forged header cannot make a new tombstone look like a handled one.
   */
  private tombstoneWork(
    key: string,
    topic: string,
    partition: number,
    tier: number,
    message: KafkaMessage,
    subscriptions: TombstoneSubscription[],
  ): Work[] {
    const first =
      tier > 0
        ? {
            partition: Number(
              headerText(message.headers, RETRY_HEADERS.originalPartition) ?? partition,
            ),
            offset: headerText(message.headers, RETRY_HEADERS.originalOffset) ?? message.offset,
          }
        : { partition, offset: message.offset };
    return subscriptions.map(({ name, handler }) => ({
      id: `tombstone:${topic}:${first.partition}:${first.offset}`,
      handler: name,
      type: 'tombstone',
      topic,
      message,
      label: `tombstone of ${topic} key ${key}`,
      run: (manager, attempt) => handler.erase(key, { manager, topic, ...first, attempt }),
    }));
  }

  private contextFor(
    manager: EntityManager,
    attributes: CloudEventAttributes,
    attempt: number,
  ): HandlerContext {
    return {
      manager,
      // The academy is the payload's (the parser refused a record whose ce_academy is not).
      caller: systemCaller(this.outbox.service, attributes.academy),
      attributes,
      attempt,
      publish: (events, context = {}) =>
        // Each follow-up event carries its own academy, from its own payload.
        this.outbox.publish(manager, events, {
          traceparent: attributes.traceparent,
          correlationId: attributes.correlationid,
          causationId: attributes.id,
          ...context,
        }),
    };
  }

  private async send(outgoing: Outgoing[]): Promise<void> {
    const byTopic = new Map<string, Message[]>();
    for (const { topic, message } of outgoing) add(byTopic, topic, message);
    const producer = this.producer();
    if (!producer) throw new Error('EventConsumer is not started');
    await producer.sendBatch({
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
      acks: -1,
    });
  }
}

/** The topic's name without the deployment's prefix (logs, metrics, tombstone handlers). */
export function logicalTopic(prefix: string, topic: string): string {
  return topic.startsWith(prefix) ? topic.slice(prefix.length) : topic;
}

function add<T>(map: Map<string, T[]>, key: string, value: T): void {
  const values = map.get(key);
  if (values) values.push(value);
  else map.set(key, [value]);
}
