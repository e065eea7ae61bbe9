import { InternshipFilled, TOPICS } from '@tremplin/contracts';
import {
  createKafka,
  createTopics,
  messagingEntities,
  messagingMigrations,
  MessagingMetrics,
  Outbox,
  OutboxRelay,
} from '@tremplin/messaging';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import {
  createTestDatabase,
  TestDatabase,
  uniqueTopicPrefix,
} from '@tremplin/testing-infrastructure';
import { watchEvents } from './events';

jest.setTimeout(30_000);

describe('watchEvents (real Kafka and PostgreSQL)', () => {
  let db: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('events');
    dataSource = new DataSource({
      type: 'postgres',
      url: db.url,
      entities: messagingEntities,
      migrations: messagingMigrations,
      migrationsRun: true,
    });
    await dataSource.initialize();
  });

  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });

  it('waits for an event matching a predicate, whether it came before or after', async () => {
    const prefix = uniqueTopicPrefix('events');
    await createTopics({ brokers: ['127.0.0.1:9092'], topics: [prefix + TOPICS.internships.name] });
    const relay = new OutboxRelay(
      dataSource,
      createKafka('events-spec', ['127.0.0.1:9092'], { quiet: true }),
      { prefix },
      new MessagingMetrics(new Registry()),
    );
    relay.start();
    const outbox = new Outbox('companies');
    const event = (n: number) =>
      InternshipFilled.of({
        internshipId: `00000000-0000-4000-8000-00000000000${n}`,
        companyId: '00000000-0000-4000-8000-000000000009',
        academy: '16',
      });
    await dataSource.transaction((manager) => outbox.publish(manager, event(1)));
    const events = await watchEvents({ prefix, topics: [TOPICS.internships] });
    try {
      const before = await events.waitFor(InternshipFilled, (e) => e.internshipId.endsWith('1'));
      expect(before.attributes.source).toBe('/tremplin/companies');
      const later = events.waitFor(InternshipFilled, (e) => e.internshipId.endsWith('2'));
      await dataSource.transaction((manager) => outbox.publish(manager, event(2)));
      expect((await later).event).toEqual(event(2));
      await expect(
        events.waitFor(InternshipFilled, (e) => e.internshipId.endsWith('3'), 500),
      ).rejects.toThrow(/No fr.tremplin.companies.InternshipFilled.v1/);
    } finally {
      await events.stop();
      await relay.stop();
    }
  });
});
