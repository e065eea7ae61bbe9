import type { ServiceName } from '@tremplin/platform';
import type { Registry } from 'prom-client';
import type { HandlerClass } from '../consumer/handler';

export interface MessagingOptions {
  /** The service: source of its events, its consumer group, its retry and dead-letter topics. */
  service: ServiceName;
  /**
   * The service's subscription list: one class per effect, each decorated with
   * `@Handles(EventClass)`, or `@HandlesTombstones(topic)` for the erasures of a compacted topic.
   * A handler registered as a provider elsewhere in the app is used as is; otherwise it is
   * instantiated here (its dependencies must then be global).
   */
  handlers?: HandlerClass[];
  /** Run the outbox relay in this process (default true). */
  relay?: boolean;
  /** Delay of each retry tier before the dead-letter topic (default `DEFAULT_RETRY_DELAYS_MS`: 1 s, 10 s, 60 s). */
  retryDelaysMs?: number[];
  /** A handler running longer fails (retry tier, then dead-letter); default 60 s. */
  handlerTimeoutMs?: number;
  /**
   * What happens when the consumer stays out of its group longer than
   * KAFKA_CONSUMER_MAX_OUT_OF_GROUP_MS while the broker answers (default: log and exit 1, so that
   * Kubernetes restarts the process; tests observe it instead).
   */
  onStuckConsumer?: (reason: string) => void;
  /** Registry for the metrics (default: prom-client's global registry). */
  registry?: Registry;
  /** Environment to read instead of process.env (tests). */
  env?: NodeJS.ProcessEnv;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
