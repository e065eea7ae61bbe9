import { Injectable, Type } from '@nestjs/common';
import type { CloudEventAttributes, EventClass, IntegrationEvent } from '@tremplin/contracts';
import type { EntityManager } from 'typeorm';
import type { PublishContext } from '../outbox/outbox';

/** What a handler gets besides the event: the transaction its effect must be written in. */
export interface HandlerContext {
  /** The transaction shared with the inbox record: write the effect through it, nothing else. */
  readonly manager: EntityManager;
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

const HANDLES = Symbol('tremplin:handles');

/**
 * Marks a class as the handler of one event (and makes it injectable):
 *
 *   @Handles(StudentPlaced)
 *   export class UpdateSeatsWhenStudentPlaced implements EventHandler<StudentPlaced> { ... }
 */
export function Handles<T extends IntegrationEvent>(eventClass: EventClass<T>) {
  return (target: Type<EventHandler<T>>): void => {
    Reflect.defineMetadata(HANDLES, eventClass, target);
    Injectable()(target);
  };
}

export function handledEventOf(handlerClass: Type<EventHandler>): EventClass {
  const eventClass: EventClass | undefined = Reflect.getMetadata(HANDLES, handlerClass);
  if (!eventClass) throw new Error(`${handlerClass.name} has no @Handles(EventClass) decorator`);
  return eventClass;
}

/** A handler instance with the event it handles and its name (for logs and metrics). */
export interface Subscription {
  readonly name: string;
  readonly eventClass: EventClass;
  readonly handler: EventHandler;
}
