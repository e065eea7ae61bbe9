import { Injectable } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { ContactDetailsChanged, InternshipFilled, MatchExpired, TOPICS } from '@tremplin/contracts';
import { loadConfig } from '@tremplin/platform';
import { Admin, Kafka, KafkaJSNonRetriableError } from 'kafkajs';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import {
  eventually,
  SHARED_KAFKA_BROKERS as BROKERS,
  uniqueTopicPrefix as uniquePrefix,
} from '@tremplin/testing-infrastructure';
import {
  contactDetails,
  EraseContactWhenTombstoned,
  SaveContactWhenDetailsChanged,
} from '../../test/contacts';
import { filled } from '../../test/events';
import { createDatabase, Effect, TestDatabase, testKafka } from '../../test/support';
import { MessagingEnv } from '../config';
import { EventConsumer } from '../consumer/event-consumer';
import { EventHandler, HandlerContext, Handles } from '../consumer/handler';
import { KafkaConsumerHealthCheck, KafkaReadinessCheck } from '../kafka/kafka-readiness.check';
import { MessagingMetrics } from '../metrics';
import { messagingEntities, messagingMigrations } from '../migrations';
import { Outbox } from '../outbox/outbox';
import { MessagingModule } from './messaging.module';
import { Messaging } from './messaging.service';

jest.setTimeout(90_000);

/** A use case of the publishing service: the change and its event in one transaction. */
@Injectable()
class FillInternship {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async execute(event: InternshipFilled): Promise<string> {
    return this.dataSource.transaction(async (manager) => {
      await manager.insert(Effect, { eventId: 'seat-change', key: event.internshipId });
      const [id] = await this.outbox.publish(manager, event);
      return id;
    });
  }
}

@Injectable()
class ProposalsRepository {
  readonly calls: string[] = [];
}

@Handles(InternshipFilled)
class ExpireProposalsWhenInternshipFilled implements EventHandler<InternshipFilled> {
  constructor(private readonly proposals: ProposalsRepository) {}

  async handle(
    event: InternshipFilled,
    { manager, attributes, publish }: HandlerContext,
  ): Promise<void> {
    this.proposals.calls.push(event.internshipId);
    await manager.insert(Effect, { eventId: attributes.id, key: event.internshipId });
    await publish(
      MatchExpired.of({
        proposalId: attributes.id,
        studentId: event.companyId,
        internshipId: event.internshipId,
        academy: event.academy,
      }),
    );
  }
}

async function app(
  db: TestDatabase,
  imports: Parameters<typeof MessagingModule.forRoot>[0],
  providers: (new (...args: never[]) => unknown)[],
): Promise<TestingModule> {
  const module = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRoot({
        type: 'postgres',
        url: db.url,
        entities: [...messagingEntities, Effect],
        migrations: messagingMigrations,
      }),
      MessagingModule.forRoot(imports),
    ],
    providers,
  }).compile();
  module.enableShutdownHooks();
  await module.init();
  return module;
}

/**
 * Until restored, every Kafka client's admins are kept while connected (their next `listTopics`
 * fails once `failNextListTopics` is set).
 */
function watchKafka() {
  const { admin: makeAdmin } = Kafka.prototype;
  const watch = { connectedAdmins: new Set<Admin>(), failNextListTopics: false };
  const spies = [
    jest.spyOn(Kafka.prototype, 'admin').mockImplementation(function (this: Kafka, config) {
      const made = makeAdmin.call(this, config);
      made.on(made.events.CONNECT, () => watch.connectedAdmins.add(made));
      made.on(made.events.DISCONNECT, () => watch.connectedAdmins.delete(made));
      const listTopics = made.listTopics.bind(made);
      made.listTopics = async () => {
        if (!watch.failNextListTopics) return listTopics();
        watch.failNextListTopics = false;
        throw new Error('injected failure');
      };
      return made;
    }),
  ];
  return { watch, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}

describe('MessagingModule (Nest, real PostgreSQL and Kafka)', () => {
  const prefix = uniquePrefix('module');
  const env = { KAFKA_BROKERS: BROKERS, KAFKA_TOPIC_PREFIX: prefix, KAFKA_TOPIC_PARTITIONS: '2' };
  let companiesDb: TestDatabase;
  let matchingDb: TestDatabase;
  let schoolsDb: TestDatabase;
  let notificationsDb: TestDatabase;

  beforeAll(async () => {
    [companiesDb, matchingDb, schoolsDb, notificationsDb] = await Promise.all([
      createDatabase('module_companies'),
      createDatabase('module_matching'),
      createDatabase('module_schools'),
      createDatabase('module_notifications'),
    ]);
  });

  afterAll(async () => {
    await Promise.all([
      companiesDb.drop(),
      matchingDb.drop(),
      schoolsDb.drop(),
      notificationsDb.drop(),
    ]);
  });

  it('publishes through the outbox of one service and applies the event once in another, with follow-up events caused by it', async () => {
    const companies = await app(
      companiesDb,
      { service: 'companies', env, registry: new Registry() },
      [FillInternship],
    );
    const matching = await app(
      matchingDb,
      {
        service: 'matching',
        env,
        registry: new Registry(),
        handlers: [ExpireProposalsWhenInternshipFilled],
        retryDelaysMs: [200],
      },
      [ProposalsRepository, ExpireProposalsWhenInternshipFilled],
    );
    try {
      await Promise.all([companies.get(Messaging).started(), matching.get(Messaging).started()]);
      const event = filled();
      const id = await companies.get(FillInternship).execute(event);
      const matchingData = matching.get<DataSource>(getDataSourceToken());
      await eventually(
        async () =>
          (await matchingData.query(`SELECT 1 FROM test_effect WHERE event_id = $1`, [id]))
            .length === 1,
        20_000,
      );
      // The handler is the app's own provider (its dependencies injected by the app).
      expect(matching.get(ProposalsRepository).calls).toEqual([event.internshipId]);
      const [followUp] = await matchingData.query(
        `SELECT topic, key, headers FROM messaging_outbox`,
      );
      expect(followUp).toEqual(
        expect.objectContaining({ topic: 'matching.proposals', key: event.companyId }),
      );
      expect(followUp.headers).toEqual(
        expect.objectContaining({
          ce_causationid: id,
          ce_correlationid: id,
          ce_source: '/tremplin/matching',
          ce_type: MatchExpired.type,
        }),
      );
      // Topics were created at start-up, partitions as configured, retry and dead-letter included.
      const admin = testKafka().admin();
      await admin.connect();
      const topics = await admin.fetchTopicMetadata({
        topics: [
          `${prefix}companies.internships`,
          `${prefix}matching.retry.1`,
          `${prefix}matching.dlt`,
          `${prefix}private.contacts`,
        ],
      });
      await admin.disconnect();
      expect(topics.topics.map((topic) => topic.partitions.length)).toEqual([2, 2, 2, 2]);
      await matching.get(KafkaReadinessCheck).check();
    } finally {
      await Promise.all([companies.close(), matching.close()]);
    }
  });

  it('erases through a @HandlesTombstones handler listed with the event handlers, in order after the details it erases', async () => {
    const schools = await app(schoolsDb, { service: 'schools', env, registry: new Registry() }, []);
    const notifications = await app(
      notificationsDb,
      {
        service: 'notifications',
        env,
        registry: new Registry(),
        handlers: [SaveContactWhenDetailsChanged, EraseContactWhenTombstoned],
        retryDelaysMs: [200],
      },
      // The tombstone handler is the app's provider; the other one is built by the module.
      [EraseContactWhenTombstoned],
    );
    try {
      await Promise.all([schools.get(Messaging).started(), notifications.get(Messaging).started()]);
      const details = contactDetails();
      // A student's erasure in schools: the details go out, then the tombstone for the same person.
      await schools.get<DataSource>(getDataSourceToken()).transaction(async (manager) => {
        await schools.get(Outbox).publish(manager, details);
        await schools.get(Outbox).tombstone(manager, TOPICS.contacts, details.personId);
      });
      const notificationsData = notifications.get<DataSource>(getDataSourceToken());
      await eventually(
        async () =>
          (await notificationsData.query(`SELECT 1 FROM messaging_inbox WHERE type = 'tombstone'`))
            .length === 1,
        20_000,
      );
      // The details were handled, then erased.
      expect(
        await notificationsData.query(`SELECT type FROM messaging_inbox ORDER BY type`),
      ).toEqual([{ type: ContactDetailsChanged.type }, { type: 'tombstone' }]);
      expect(await notificationsData.query(`SELECT key FROM test_effect`)).toEqual([]);
      expect(notifications.get(EraseContactWhenTombstoned).calls).toEqual([
        {
          key: details.personId,
          context: expect.objectContaining({ topic: TOPICS.contacts.name, attempt: 0 }),
        },
      ]);
    } finally {
      await Promise.all([schools.close(), notifications.close()]);
    }
  });

  it('closes the admin of each attempt to create the topics, failed or not', async () => {
    const { watch, restore } = watchKafka();
    watch.failNextListTopics = true;
    const own = { ...env, KAFKA_TOPIC_PREFIX: uniquePrefix('admin') };
    try {
      const companies = await app(
        companiesDb,
        { service: 'companies', env: own, registry: new Registry() },
        [],
      );
      try {
        await companies.get(Messaging).started();
        expect(watch.failNextListTopics).toBe(false); // the first attempt failed
        expect(watch.connectedAdmins.size).toBe(0);
      } finally {
        await companies.close();
      }
    } finally {
      restore();
    }
  });

  it('reports the consumer down (degraded) while it is out of its group after a crash kafkajs does not restart from', async () => {
    const own = { ...env, KAFKA_TOPIC_PREFIX: uniquePrefix('crash') };
    const companies = await app(
      companiesDb,
      { service: 'companies', env: own, registry: new Registry() },
      [FillInternship],
    );
    const matching = await app(
      matchingDb,
      {
        service: 'matching',
        env: own,
        registry: new Registry(),
        handlers: [ExpireProposalsWhenInternshipFilled],
      },
      [ProposalsRepository, ExpireProposalsWhenInternshipFilled],
    );
    const readiness = new KafkaConsumerHealthCheck(
      matching.get(Messaging),
      matching.get(MessagingMetrics),
    );
    const kafka = matching.get(KafkaReadinessCheck);
    const failure = () =>
      readiness.check().then(
        () => '',
        (error: Error) => error.message,
      );
    let crash: jest.SpyInstance | undefined;
    try {
      await Promise.all([companies.get(Messaging).started(), matching.get(Messaging).started()]);
      expect(await failure()).toBe('');
      // The next batch fails with an error kafkajs does not restart from.
      crash = jest
        .spyOn(EventConsumer.prototype as unknown as { eachBatch(): Promise<void> }, 'eachBatch')
        .mockRejectedValueOnce(new KafkaJSNonRetriableError('injected fatal error'));
      await companies.get(FillInternship).execute(filled());
      await eventually(async () => /out of its group/.test(await failure()), 20_000);
      // Kafka itself is fine: only the consumer is reported down.
      await kafka.check();
      // The consumer restarts by itself, and its health follows.
      await eventually(async () => (await failure()) === '', 30_000);
    } finally {
      crash?.mockRestore();
      await Promise.all([companies.close(), matching.close()]);
    }
  });

  it('exits (onStuckConsumer) when the consumer stays out of its group while the broker answers, not during an outage', async () => {
    const stuck: string[] = [];
    const options = (brokers: string) => ({
      service: 'matching' as const,
      env: {
        ...env,
        KAFKA_BROKERS: brokers,
        KAFKA_TOPIC_PREFIX: uniquePrefix('stuck'),
        KAFKA_CONSUMER_MAX_OUT_OF_GROUP_MS: '1000',
      },
      registry: new Registry(),
      handlers: [ExpireProposalsWhenInternshipFilled],
      onStuckConsumer: (reason: string) => stuck.push(reason),
    });
    // The consumer can never join: every start fails.
    const neverJoins = jest
      .spyOn(EventConsumer.prototype, 'start')
      .mockRejectedValue(new Error('injected: cannot join'));
    try {
      const outage = await app(matchingDb, options('127.0.0.1:1'), [
        ProposalsRepository,
        ExpireProposalsWhenInternshipFilled,
      ]);
      try {
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        expect(stuck).toEqual([]); // a broker outage: restarting would not help
      } finally {
        await outage.close();
      }
      const matching = await app(matchingDb, options(BROKERS), [
        ProposalsRepository,
        ExpireProposalsWhenInternshipFilled,
      ]);
      try {
        await eventually(() => stuck.length > 0, 15_000);
        expect(stuck[0]).toMatch(/out of its group for \d+ s while the broker answers/);
      } finally {
        await matching.close();
      }
    } finally {
      neverJoins.mockRestore();
    }
  });

  it('fails fast, naming the variable, when KAFKA_BROKERS is missing or malformed', () => {
    // What MessagingModule's config provider runs at start-up.
    expect(() => loadConfig(MessagingEnv, {})).toThrow(/KAFKA_BROKERS/);
    expect(() => loadConfig(MessagingEnv, { KAFKA_BROKERS: 'kafka' })).toThrow(
      /KAFKA_BROKERS must be a comma-separated list of host:port/,
    );
    expect(() =>
      loadConfig(MessagingEnv, { KAFKA_BROKERS: '127.0.0.1:9092', KAFKA_TOPIC_PARTITIONS: '0' }),
    ).toThrow(/KAFKA_TOPIC_PARTITIONS/);
  });
});

describe('KafkaReadinessCheck', () => {
  it('passes against a running broker', async () => {
    const check = new KafkaReadinessCheck(BROKERS.split(','));
    await check.check();
    await check.close();
  });

  it('fails within about 2 s, without throwing out of the process, when nothing answers', async () => {
    const check = new KafkaReadinessCheck(['127.0.0.1:1']);
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      await expect(check.check()).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(2500);
    }
    await check.close();
  });
});
