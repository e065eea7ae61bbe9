// Where a record the consumer could not apply goes: the next retry tier, or the dead-letter topic
// after the last tier or at once when malformed; builds those records, headers included.
import { eventClassOf, headerText } from '@tremplin/contracts';
import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { deadLetterTopic, retryTopic } from '../kafka/topics';
import { MessagingMetrics } from '../metrics';
import type { Chunk } from './chunk-processor';
import type { Work } from './inbox-transaction';

/** Headers added to retried and dead-lettered records (the originals are kept). */
export const RETRY_HEADERS = {
  tier: 'x-retry-tier',
  dueAt: 'x-retry-due-at',
  originalTopic: 'x-original-topic',
  originalPartition: 'x-original-partition',
  originalOffset: 'x-original-offset',
  /** The one handler a retried or dead-lettered record is for. */
  handler: 'x-handler',
  error: 'x-error',
  reason: 'x-dead-letter-reason',
  consumer: 'x-consumer-group',
  failedAt: 'x-failed-at',
} as const;

/** A record to send to a retry tier or the dead-letter topic. */
export interface Outgoing {
  topic: string;
  message: Message;
}

export interface FailureRouterOptions {
  service: string;
  prefix: string;
  groupId: string;
  /** Delay before each retry tier; after the last one the record is dead-lettered. */
  retryDelaysMs: readonly number[];
}

/** The retry tiers and dead-letter topic of one consumer group, and the metrics of what goes there. */
export class FailureRouter {
  /** Tier number by retry-tier topic (1 for the first). */
  private readonly tiers = new Map<string, number>();

  constructor(
    private readonly options: FailureRouterOptions,
    private readonly metrics: MessagingMetrics,
  ) {
    options.retryDelaysMs.forEach((_, index) =>
      this.tiers.set(retryTopic(options.prefix, options.service, index + 1), index + 1),
    );
  }

  /** The retry-tier topics, read besides the subscribed ones. */
  topics(): string[] {
    return [...this.tiers.keys()];
  }

  /** The retry tier a topic is, 0 for a topic of first deliveries. */
  tierOf(topic: string): number {
    return this.tiers.get(topic) ?? 0;
  }

  /** How many records at the head of a retry-tier chunk are due (due times grow within a tier). */
  dueCount(messages: KafkaMessage[]): number {
    const now = Date.now();
    const index = messages.findIndex((message) => dueAt(message) > now);
    return index === -1 ? messages.length : index;
  }

  /** Milliseconds until a parked record is due (0 if it is). */
  dueIn(message: KafkaMessage): number {
    return Math.max(0, dueAt(message) - Date.now());
  }

  /** A record that is no event this build can read (`shownTopic`: logical, for the metrics). */
  malformed(
    message: KafkaMessage,
    chunk: Chunk,
    shownTopic: string,
    parsed: { reason: string; type?: string },
  ): Outgoing {
    this.metrics.deadLettered.inc({ topic: shownTopic, reason: 'malformed' });
    this.metrics.consumed.inc({
      topic: shownTopic,
      // A type from the record is a label only if the catalogue knows it: a sender must not be
      // able to mint metric series.
      type: parsed.type !== undefined && eventClassOf(parsed.type) ? parsed.type : 'unknown',
      outcome: 'dead-lettered',
    });
    return this.deadLetter(message, chunk, `malformed: ${parsed.reason}`);
  }

  /** Work whose handler failed on this chunk's tier: the next tier, or the DLT after the last. */
  failed(item: Work, chunk: Chunk, error: Error): Outgoing {
    const { tier } = chunk;
    if (tier < this.options.retryDelaysMs.length) {
      this.metrics.retried.inc({ topic: item.topic, type: item.type, tier: String(tier + 1) });
      this.metrics.consumed.inc({ topic: item.topic, type: item.type, outcome: 'retried' });
      return this.retry(item, chunk, tier + 1, error);
    }
    this.metrics.deadLettered.inc({ topic: item.topic, reason: 'handler-failed' });
    this.metrics.consumed.inc({ topic: item.topic, type: item.type, outcome: 'dead-lettered' });
    const dead = this.deadLetter(
      item.message,
      chunk,
      `handler failed after ${tier + 1} attempts: ${error.message} (${item.label})`,
    );
    (dead.message.headers as IHeaders)[RETRY_HEADERS.handler] = item.handler;
    return dead;
  }

  private retry(item: Work, from: Chunk, tier: number, error: Error): Outgoing {
    const { message } = item;
    const headers = carried(message, from);
    headers[RETRY_HEADERS.handler] = item.handler;
    headers[RETRY_HEADERS.tier] = String(tier);
    headers[RETRY_HEADERS.dueAt] = String(Date.now() + this.options.retryDelaysMs[tier - 1]);
    headers[RETRY_HEADERS.error] = truncate(error.message);
    return {
      topic: retryTopic(this.options.prefix, this.options.service, tier),
      message: { key: message.key, value: message.value, headers },
    };
  }

  private deadLetter(message: KafkaMessage, from: Chunk, reason: string): Outgoing {
    const headers = carried(message, from);
    headers[RETRY_HEADERS.reason] = truncate(reason);
    headers[RETRY_HEADERS.tier] = String(from.tier);
    headers[RETRY_HEADERS.failedAt] = new Date().toISOString();
    headers[RETRY_HEADERS.consumer] = this.options.groupId;
    return {
      topic: deadLetterTopic(this.options.prefix, this.options.service),
      message: { key: message.key, value: message.value, headers },
    };
  }
}

function dueAt(message: KafkaMessage): number {
  return Number(headerText(message.headers, RETRY_HEADERS.dueAt) ?? 0);
}

/**
 * The original headers, plus where the record first came from: kept across retry tiers, and
 * written anew from a first delivery (whatever x-original-* headers it came with are forged).
 */
function carried(message: KafkaMessage, { topic, partition, tier }: Chunk): IHeaders {
  const headers: IHeaders = { ...(message.headers ?? {}) };
  delete headers[RETRY_HEADERS.dueAt];
  delete headers[RETRY_HEADERS.error];
  if (tier === 0) delete headers[RETRY_HEADERS.handler];
  if (tier === 0 || !headers[RETRY_HEADERS.originalTopic]) {
    headers[RETRY_HEADERS.originalTopic] = topic;
    headers[RETRY_HEADERS.originalPartition] = String(partition);
    headers[RETRY_HEADERS.originalOffset] = message.offset;
  }
  return headers;
}

function truncate(text: string): string {
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
