import { Injectable, Type } from '@nestjs/common';
import type {
  CloudEventAttributes,
  EventClass,
  IntegrationEvent,
  TopicDefinition,
} from '@tremplin/contracts';
import type { UseCaseContext } from '@tremplin/platform';
import type { EntityManager } from 'typeorm';
import type { PublishContext } from '../outbox/outbox';

/**
 * What a handler gets besides the event: the transaction its effect must be written in, and the
 * caller it acts as. It is a UseCaseContext, so a handler runs a use case as the HTTP door does:
 * `await this.recordPlacement.execute(command, context)`.
 */
export interface HandlerContext extends UseCaseContext {
  /** The transaction shared with the inbox record: write the effect through it, nothing else. */
  readonly manager: EntityManager;
  /** The service itself (platform's systemCaller), scoped to the event's academy. */
  readonly caller: UseCaseContext['caller'];
  readonly attributes: CloudEventAttributes;
  /** 0 on first delivery, n on the n-th retry tier. */
  readonly attempt: number;
  /** Publishes follow-up events in the same transaction (causation and correlation filled in). */
  publish(
    events: IntegrationEvent | readonly IntegrationEvent[],
    context?: PublishContext,
  ): Promise<string[]>;
}

/** One effect of one event: `UpdateSeatsWhenStudentPlaced implements EventHandler<StudentPlaced>`. */
export interface EventHandler<T extends IntegrationEvent = IntegrationEvent> {
  handle(event: T, context: HandlerContext): Promise<void>;
}

/** What a tombstone handler gets besides the key: its transaction and where the tombstone was read. */
export interface TombstoneContext {
  /** The transaction shared with the inbox record: write the erasure through it, nothing else. */
  readonly manager: EntityManager;
  /** Logical topic of the tombstone (without the deployment's prefix), e.g. `private.contacts`. */
  readonly topic: string;
  /** Partition and offset where the tombstone was first read (kept across retry tiers). */
  readonly partition: number;
  readonly offset: string;
  /** 0 on first delivery, n on the n-th retry tier. */
  readonly attempt: number;
}

/**
 * Erases what the service holds for a key when a compacted topic carries a tombstone (null
 * value) for it: `EraseContactWhenTombstoned implements TombstoneHandler`.
 */
export interface TombstoneHandler {
  erase(key: string, context: TombstoneContext): Promise<void>;
}

/** A class listed in a service's `handlers`: an event handler or a tombstone handler. */
export type HandlerClass = Type<EventHandler> | Type<TombstoneHandler>;

/** What a handler class handles, as its decorator recorded it. */
type Handled = { readonly eventClass: EventClass } | { readonly topic: TopicDefinition };

const HANDLES = Symbol('tremplin:handles');

/**
 * Marks a class as the handler of one event (and makes it injectable):
 *
 *   @Handles(StudentPlaced)
 *   export class UpdateSeatsWhenStudentPlaced implements EventHandler<StudentPlaced> { ... }
 */
export function Handles<T extends IntegrationEvent>(eventClass: EventClass<T>) {
  return (target: Type<EventHandler<T>>): void => {
    Reflect.defineMetadata(HANDLES, { eventClass } satisfies Handled, target);
    Injectable()(target);
  };
}

/**
 * Marks a class as the handler of the tombstones of a compacted topic (and makes it injectable);
 * throws for a topic that is not compacted, where a tombstone erases nothing:
 *
 *   @HandlesTombstones(TOPICS.contacts)
 *   export class EraseContactWhenTombstoned implements TombstoneHandler { ... }
 */
export function HandlesTombstones(topic: TopicDefinition) {
  if (!topic.compacted)
    throw new Error(
      `@HandlesTombstones(${topic.name}): the topic is not compacted, a tombstone there would erase nothing`,
    );
  return (target: Type<TombstoneHandler>): void => {
    Reflect.defineMetadata(HANDLES, { topic } satisfies Handled, target);
    Injectable()(target);
  };
}

function handledBy(handlerClass: HandlerClass): Handled {
  const handled: Handled | undefined = Reflect.getMetadata(HANDLES, handlerClass);
  if (!handled)
    throw new Error(
      `${handlerClass.name} has no @Handles(EventClass) or @HandlesTombstones(topic) decorator`,
    );
  return handled;
}

/** A handler instance with the event it handles and its name (for logs and metrics). */
export interface EventSubscription {
  readonly name: string;
  readonly eventClass: EventClass;
  readonly handler: EventHandler;
}

/** A handler instance with the compacted topic whose tombstones it handles, and its name. */
export interface TombstoneSubscription {
  readonly name: string;
  readonly topic: TopicDefinition;
  readonly handler: TombstoneHandler;
}

export type Subscription = EventSubscription | TombstoneSubscription;

/**
 * The subscription of a handler class, by its decorator. `instance` resolves the handler (after
 * the decorator is checked: a class missing it fails first, with a clear message).
 */
export async function subscriptionOf(
  handlerClass: HandlerClass,
  instance: () => Promise<EventHandler | TombstoneHandler>,
): Promise<Subscription> {
  const handled = handledBy(handlerClass);
  const name = handlerClass.name;
  if ('eventClass' in handled)
    return { name, eventClass: handled.eventClass, handler: (await instance()) as EventHandler };
  return { name, topic: handled.topic, handler: (await instance()) as TombstoneHandler };
}

/** The topic a subscription reads. */
export function subscribedTopic(subscription: Subscription): TopicDefinition {
  return 'eventClass' in subscription ? subscription.eventClass.topic : subscription.topic;
}
