import { InternshipFilled } from '@tremplin/contracts';
import { Registry } from 'prom-client';
import { MessagingMetrics } from '../metrics';
import { Outbox } from '../outbox/outbox';
import { ChunkProcessor } from './chunk-processor';
import type { FailureRouter } from './failure-router';
import type { EventSubscription } from './handler';
import type { InboxTransaction } from './inbox-transaction';

describe('ChunkProcessor', () => {
  const subscription = (name: string): EventSubscription => ({
    name,
    eventClass: InternshipFilled,
    handler: { handle: async () => undefined },
  });
  const processor = (subscriptions: EventSubscription[]) =>
    new ChunkProcessor(
      '',
      subscriptions,
      {} as InboxTransaction,
      {} as FailureRouter,
      new Outbox('matching'),
      () => undefined,
      new MessagingMetrics(new Registry()),
    );

  it('refuses two handlers of one event with one name (they would share inbox rows)', () => {
    expect(() => processor([subscription('TakeSeat'), subscription('TakeSeat')])).toThrow(
      /Two handlers of fr\.tremplin\.companies\.InternshipFilled\.v1 are named TakeSeat/,
    );
    expect(() => processor([subscription('TakeSeat'), subscription('NotifyOffice')])).not.toThrow();
  });
});
