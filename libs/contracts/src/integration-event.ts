// Decorator metadata (class-transformer's @Type, design types) needs the polyfill loaded first.
import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import type { TopicDefinition } from './topics';

/** The data properties of an event class (its methods left out). */
export type EventProps<T> = {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  [K in keyof T as T[K] extends Function ? never : K]: T[K];
};

/**
 * Base of every event payload. One subclass per event and version, shared by the producer
 * and every consumer; the class carries its wire type, topic and partition key.
 */
export abstract class IntegrationEvent {
  /** The aggregate id used as Kafka key, so that events of one aggregate keep their order. */
  abstract partitionKey(): string;

  /** Builds an event from its properties: `InternshipPosted.of({ ... })` (nested objects become their classes). */
  static of<T extends IntegrationEvent>(this: new () => T, props: EventProps<T>): T {
    return plainToInstance(this, props as object) as T;
  }
}

/** What the catalogue knows about an event class (its static side). */
export interface EventClass<T extends IntegrationEvent = IntegrationEvent> {
  new (): T;
  /** CloudEvents `type`, with the major version: `fr.tremplin.companies.InternshipPosted.v1`. */
  readonly type: string;
  readonly topic: TopicDefinition;
  readonly description: string;
}

/** Splits `fr.tremplin.<context>.<Name>.v<major>`. */
export function parseEventType(
  type: string,
): { context: string; name: string; version: number } | undefined {
  const match = /^fr\.tremplin\.([a-z]+)\.([A-Z][A-Za-z]+)\.v(\d+)$/.exec(type);
  if (!match) return undefined;
  return { context: match[1], name: match[2], version: Number(match[3]) };
}
