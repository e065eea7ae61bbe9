import type { HandlerClass } from '@tremplin/messaging';

/**
 * Every event handler of the schools service, in one list (each class provided by its feature
 * module). Each runs the same use case as the matching HTTP route, inside its inbox
 * transaction, as the service's system caller.
 */
export const SUBSCRIPTIONS: HandlerClass[] = [];
