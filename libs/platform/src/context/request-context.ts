import { AsyncLocalStorage } from 'node:async_hooks';
import type { Caller } from '../auth/roles';

/** Where a request or an event comes from, as the audit log records it. */
export interface Origin {
  requestId?: string;
  /** The event being handled, when the work is an event handler's. */
  eventId?: string;
  ip?: string;
  userAgent?: string;
}

/**
 * What the kit knows about the work in progress (an HTTP request, or an event being handled):
 * who it runs for and where it comes from. The audit log and the scope check read it, so that
 * neither depends on a use case passing it along.
 */
export interface WorkContext {
  caller: Caller;
  origin: Origin;
  /** Set by `withoutScopeCheck`, for the rare read that must see past the caller's scope. */
  scopeCheckSuspended?: string;
}

const storage = new AsyncLocalStorage<WorkContext>();

/** Runs `work` (and everything it awaits) in the given context. */
export function runInWorkContext<T>(context: WorkContext, work: () => T): T {
  return storage.run(context, work);
}

/** The context of the request or event being handled; undefined outside one (start-up, jobs). */
export function currentWorkContext(): WorkContext | undefined {
  return storage.getStore();
}
