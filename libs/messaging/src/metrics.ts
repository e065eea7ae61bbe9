import { Counter, Gauge, Histogram, Registry, register as defaultRegistry } from 'prom-client';

/** Prometheus metrics of the messaging library, registered once per registry. */
export class MessagingMetrics {
  readonly published: Counter<'topic'>;
  readonly consumed: Counter<'topic' | 'type' | 'outcome'>;
  readonly retried: Counter<'topic' | 'type' | 'tier'>;
  readonly deadLettered: Counter<'topic' | 'reason'>;
  readonly outboxBacklog: Gauge;
  readonly outboxParkedRows: Gauge;
  readonly outboxParked: Counter<'topic'>;
  readonly consumerLag: Gauge<'topic' | 'partition'>;
  readonly handlerDuration: Histogram<'type'>;

  constructor(readonly registry: Registry = defaultRegistry) {
    this.published = this.metric(
      'messaging_published_total',
      () =>
        new Counter({
          name: 'messaging_published_total',
          help: 'Events published by the outbox relay',
          labelNames: ['topic'],
          registers: [registry],
        }),
    );
    this.consumed = this.metric(
      'messaging_consumed_total',
      () =>
        new Counter({
          name: 'messaging_consumed_total',
          help: 'Events consumed, by outcome (handled, duplicate, ignored, retried, dead-lettered)',
          labelNames: ['topic', 'type', 'outcome'],
          registers: [registry],
        }),
    );
    this.retried = this.metric(
      'messaging_retried_total',
      () =>
        new Counter({
          name: 'messaging_retried_total',
          help: 'Events sent to a retry tier after a failed handler',
          labelNames: ['topic', 'type', 'tier'],
          registers: [registry],
        }),
    );
    this.deadLettered = this.metric(
      'messaging_dead_lettered_total',
      () =>
        new Counter({
          name: 'messaging_dead_lettered_total',
          help: 'Events parked on the dead-letter topic',
          labelNames: ['topic', 'reason'],
          registers: [registry],
        }),
    );
    this.outboxBacklog = this.metric(
      'messaging_outbox_backlog',
      () =>
        new Gauge({
          name: 'messaging_outbox_backlog',
          help: 'Outbox rows not yet published',
          registers: [registry],
        }),
    );
    this.outboxParkedRows = this.metric(
      'messaging_outbox_parked',
      () =>
        new Gauge({
          name: 'messaging_outbox_parked',
          help: 'Outbox rows parked after the broker kept refusing them, or behind one of their key (an operator requeues them)',
          registers: [registry],
        }),
    );
    this.outboxParked = this.metric(
      'messaging_outbox_parked_total',
      () =>
        new Counter({
          name: 'messaging_outbox_parked_total',
          help: 'Outbox rows parked by the relay',
          labelNames: ['topic'],
          registers: [registry],
        }),
    );
    this.consumerLag = this.metric(
      'messaging_consumer_lag',
      () =>
        new Gauge({
          name: 'messaging_consumer_lag',
          help: 'Messages behind the high watermark, per partition',
          labelNames: ['topic', 'partition'],
          registers: [registry],
        }),
    );
    this.handlerDuration = this.metric(
      'messaging_handler_duration_seconds',
      () =>
        new Histogram({
          name: 'messaging_handler_duration_seconds',
          help: 'Time to handle one event, inbox included',
          labelNames: ['type'],
          buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
          registers: [registry],
        }),
    );
  }

  private metric<T>(name: string, create: () => T): T {
    // Several modules in one process (tests) share the registry: reuse what exists.
    return (this.registry.getSingleMetric(name) as T | undefined) ?? create();
  }
}
