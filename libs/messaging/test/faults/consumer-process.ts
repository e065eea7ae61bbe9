// A consumer process for the kill test: consumes InternshipFilled and writes one effect row per
// event (plus its inbox row) until killed. Configured by environment variables.
import { InternshipFilled } from '@tremplin/contracts';
import { ResilientClient } from '@tremplin/platform';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import {
  createKafka,
  EventConsumer,
  EventHandler,
  HandlerContext,
  Handles,
  messagingEntities,
  MessagingMetrics,
  Outbox,
} from '../../src';
import { Effect } from '../support';

@Handles(InternshipFilled)
class RecordEffectWhenInternshipFilled implements EventHandler<InternshipFilled> {
  async handle(event: InternshipFilled, { manager, attributes }: HandlerContext): Promise<void> {
    await manager.insert(Effect, { eventId: attributes.id, key: event.internshipId });
  }
}

async function main(): Promise<void> {
  const dataSource = new DataSource({
    type: 'postgres',
    url: process.env.DATABASE_URL,
    entities: [...messagingEntities, Effect],
    extra: { Client: ResilientClient }, // as the services' pools (platform's DatabaseModule)
  });
  await dataSource.initialize();
  const consumer = new EventConsumer(
    dataSource,
    createKafka('kill-test', (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(','), {
      quiet: true,
    }),
    new Outbox('matching'),
    {
      service: 'matching',
      prefix: process.env.KAFKA_TOPIC_PREFIX ?? '',
      groupId: process.env.GROUP_ID,
      subscriptions: [
        {
          name: 'RecordEffectWhenInternshipFilled',
          eventClass: InternshipFilled,
          handler: new RecordEffectWhenInternshipFilled(),
        },
      ],
      retryDelaysMs: [200],
      chunkSize: Number(process.env.CHUNK_SIZE ?? 100),
      sessionTimeoutMs: 6000,
    },
    new MessagingMetrics(new Registry()),
  );
  await consumer.start();
  process.stdout.write('started\n');
  const joined = setInterval(() => {
    if (consumer.joins === 0) return;
    clearInterval(joined);
    process.stdout.write('joined\n');
  }, 20);
  process.once('SIGTERM', () => {
    // Drain: the batch in flight commits before the process leaves the group.
    consumer
      .stop()
      .then(() => dataSource.destroy())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`${String(error)}\n`);
          process.exit(1);
        },
      );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
