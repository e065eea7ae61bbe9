import { randomBytes, randomUUID } from 'node:crypto';
import { Test, TestingModule } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import {
  ALL_TOPICS,
  CompanyRegistered,
  examples,
  SERVICE_NAMES,
  ServiceName,
  StudentPlaced,
  StudentRegistered,
  toKafkaRecord,
  TOPICS,
} from '@tremplin/contracts';
import { loadConfig } from '@tremplin/platform';
import { eventually, freePort, ThrowawayBroker } from '@tremplin/testing-infrastructure';
import type { Admin, Consumer, Kafka, KafkaMessage, Producer } from 'kafkajs';
import { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import {
  aclsFor,
  consumedTopics,
  createKafka,
  deadLetterTopic,
  EventHandler,
  grantAcls,
  Handles,
  HandlerClass,
  HandlerContext,
  kafkaSecurity,
  KafkaReadinessCheck,
  Messaging,
  MessagingEnv,
  messagingEntities,
  messagingMigrations,
  MessagingModule,
  Outbox,
  retryTopic,
} from '../../src';
import { connectEventProducer } from '../../src/kafka/client';
import { createDatabase, Effect, TestDatabase } from '../support';

jest.setTimeout(240_000);

/** Placements whose handling fails, so that they go through the retry tier to the dead letters. */
const FAILING = new Set<string>();

/** A subscription list for the companies service (its real one is still empty). */
@Handles(StudentPlaced)
class TakeSeatWhenStudentPlaced implements EventHandler<StudentPlaced> {
  async handle(event: StudentPlaced, { manager, attributes }: HandlerContext): Promise<void> {
    if (FAILING.has(event.placementId)) throw new Error('refused for the test');
    await manager.insert(Effect, { eventId: attributes.id, key: event.placementId });
  }
}
/** A handler matching would have, to show that the list decides, not the service's name. */
@Handles(StudentRegistered)
class ReadStudentWhenRegistered implements EventHandler<StudentRegistered> {
  async handle(): Promise<void> {
    // Only its subscription matters here: the ACLs it implies.
  }
}

const SUBSCRIPTIONS: Record<ServiceName, HandlerClass[]> = {
  schools: [],
  companies: [TakeSeatWhenStudentPlaced],
  matching: [ReadStudentWhenRegistered],
  notifications: [],
};

const PASSWORDS = Object.fromEntries(
  ['admin', ...SERVICE_NAMES].map((user) => [user, randomBytes(12).toString('hex')]),
);

/**
 * A private broker with a SASL_PLAINTEXT (SCRAM-SHA-512) listener and the StandardAuthorizer;
 * each service's user gets the ACLs `aclsFor` derives from the contracts and its subscription
 * list. Each service connects as the messaging client does: `kafkaSecurity` of its validated
 * environment.
 */
describe('fault: Kafka ACLs per service on a SASL broker', () => {
  let broker: ThrowawayBroker;
  let admin: Admin;
  const clients: { disconnect(): Promise<void> }[] = [];

  /** The variables a deployment gives the service. */
  const envOf = (service: ServiceName) => ({
    KAFKA_BROKERS: broker.brokers,
    KAFKA_SECURITY_PROTOCOL: 'sasl_plaintext',
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: service,
    KAFKA_SASL_PASSWORD: PASSWORDS[service],
  });
  /** A client of the service, as the messaging library makes it from those variables. */
  const kafkaOf = (service: ServiceName): Kafka => {
    const env = loadConfig(MessagingEnv, envOf(service));
    return createKafka(`acl-test-${service}`, [broker.brokers], {
      quiet: true,
      security: kafkaSecurity(env),
    });
  };
  const producerOf = async (service: ServiceName): Promise<Producer> => {
    const producer = await connectEventProducer(kafkaOf(service));
    clients.push(producer);
    return producer;
  };
  const consumerOf = (service: ServiceName, groupId: string): Consumer => {
    const consumer = kafkaOf(service).consumer({ groupId, retry: { retries: 5 } });
    clients.push(consumer);
    return consumer;
  };
  /** Runs the consumer on the topic until it crashes: the crash's error. */
  const crashOf = async (
    consumer: Consumer,
    topic: string,
    onValue: (value: string) => void = () => undefined,
  ): Promise<string> => {
    // The crash kafkajs does not restart from: a retriable one first (a fresh broker's group
    // coordinator still loading) is followed by a restart, not by the answer.
    const crashed = new Promise<string>((resolve) =>
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) resolve(String(payload.error));
      }),
    );
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => onValue(String(message.value)),
    });
    return crashed;
  };
  const send = (producer: Producer, topic: string, value = 'x') =>
    producer.send({ topic, acks: -1, messages: [{ key: randomUUID(), value }] });

  beforeAll(async () => {
    broker = new ThrowawayBroker(await freePort(), await freePort(), {
      sasl: { users: PASSWORDS },
    });
    await broker.start();
    admin = createKafka('acl-admin', [broker.brokers], {
      quiet: true,
      security: {
        sasl: { mechanism: 'scram-sha-512', username: 'admin', password: PASSWORDS.admin },
      },
    }).admin();
    await admin.connect();
    // Topics exist before the services (KafkaTopic resources in Kubernetes): an admin makes them.
    const names = [
      ...ALL_TOPICS.map((topic) => topic.name),
      ...SERVICE_NAMES.flatMap((service) => [
        ...[1, 2, 3].map((tier) => retryTopic('', service, tier)),
        deadLetterTopic('', service),
      ]),
    ];
    await admin.createTopics({ topics: names.map((topic) => ({ topic, numPartitions: 1 })) });
    for (const service of SERVICE_NAMES)
      await grantAcls(
        admin,
        service,
        aclsFor({ service, consumed: await consumedTopics(SUBSCRIPTIONS[service]) }),
      );
  });

  // A test's consumers leave their groups before the next test (companies' group is shared).
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.disconnect().catch(() => undefined);
  });

  afterAll(async () => {
    await admin?.disconnect();
    await broker?.destroy();
  });

  it("refuses the companies service's credentials reading private.contacts or writing to matching.placements", async () => {
    const companies = await producerOf('companies');
    await expect(send(companies, TOPICS.placements.name)).rejects.toThrow(
      /not authorized|authorization failed/i,
    );
    // companies writes contact details (it is a producer of the topic) but never reads them.
    await send(companies, TOPICS.contacts.name);
    // It may describe the topic (it produces there), so subscribing works; reading does not.
    const reader = consumerOf('companies', 'companies');
    const received: string[] = [];
    await expect(
      crashOf(reader, TOPICS.contacts.name, (value) => received.push(value)),
    ).resolves.toMatch(/not authorized|authorization failed/i);
    expect(received).toEqual([]);
  });

  it('lets each service produce on the topics whose producers include it, and on no other', async () => {
    for (const service of SERVICE_NAMES) {
      const producer = await producerOf(service);
      for (const topic of ALL_TOPICS) {
        const sent = send(producer, topic.name);
        if (topic.producers.includes(service)) await sent;
        else await expect(sent).rejects.toThrow(/not authorized|authorization failed/i);
      }
    }
  });

  it('lets companies consume what it subscribes to with its own group, and use its retry and dead-letter topics', async () => {
    const matching = await producerOf('matching');
    const value = `placed-${randomUUID()}`;
    await send(matching, TOPICS.placements.name, value);

    const consumer = consumerOf('companies', 'companies');
    await consumer.connect();
    await consumer.subscribe({
      topics: [TOPICS.placements.name, retryTopic('', 'companies', 1)],
      fromBeginning: true,
    });
    const seen: string[] = [];
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        seen.push(`${topic}:${message.value?.toString()}`);
      },
    });
    const companies = await producerOf('companies');
    await send(companies, retryTopic('', 'companies', 1), 'retried');
    await send(companies, deadLetterTopic('', 'companies'), 'parked');
    const wanted = [
      `${TOPICS.placements.name}:${value}`,
      `${retryTopic('', 'companies', 1)}:retried`,
    ];
    await eventually(
      () => wanted.every((entry) => seen.includes(entry)),
      60_000,
      () => `seen: ${seen.join(', ')}`,
    );
    // ...but not another service's retry tier or dead letters.
    await expect(send(companies, retryTopic('', 'matching', 1))).rejects.toThrow(
      /not authorized|authorization failed/i,
    );
    await expect(send(companies, deadLetterTopic('', 'schools'))).rejects.toThrow(
      /not authorized|authorization failed/i,
    );
  });

  it("refuses another service's group, and a topic outside the subscription list", async () => {
    // kafkajs reports the refused FindCoordinator (GROUP_AUTHORIZATION_FAILED) as a coordinator
    // it cannot find; the companies group finds its coordinator on this broker (test above).
    await expect(
      crashOf(consumerOf('companies', 'matching'), TOPICS.placements.name),
    ).resolves.toMatch(/authoriz|Failed to find group coordinator/i);

    // notifications subscribes to nothing yet: the students topic is not open to it.
    const notifications = consumerOf('notifications', 'notifications');
    await notifications.connect();
    await expect(
      notifications.subscribe({ topics: [TOPICS.students.name], fromBeginning: true }),
    ).rejects.toThrow(/not authorized|authorization failed/i);
    // matching's list has StudentRegistered: it may read the students topic.
    const matching = consumerOf('matching', 'matching');
    await matching.connect();
    await matching.subscribe({ topics: [TOPICS.students.name], fromBeginning: true });
  });

  it('shows each service only its own topics, so its start-up finds them and creates none', async () => {
    const admin = kafkaOf('companies').admin();
    clients.push(admin);
    await admin.connect();
    expect((await admin.listTopics()).sort()).toEqual(
      [
        TOPICS.companies.name,
        TOPICS.internships.name,
        TOPICS.meetups.name,
        TOPICS.contacts.name,
        TOPICS.placements.name,
        ...[1, 2, 3].map((tier) => retryTopic('', 'companies', tier)),
        deadLetterTopic('', 'companies'),
      ].sort(),
    );
  });

  it('runs the companies messaging module as deployed: topics found, outbox published, subscribed events handled, failures retried then dead-lettered, readiness up', async () => {
    const db: TestDatabase = await createDatabase('acls');
    let app: TestingModule | undefined;
    try {
      app = await Test.createTestingModule({
        imports: [
          TypeOrmModule.forRoot({
            type: 'postgres',
            url: db.url,
            entities: [...messagingEntities, Effect],
            migrations: messagingMigrations,
          }),
          MessagingModule.forRoot({
            service: 'companies',
            handlers: SUBSCRIPTIONS.companies,
            env: envOf('companies'),
            retryDelaysMs: [200],
            registry: new Registry(),
          }),
        ],
      }).compile();
      app.enableShutdownHooks();
      await app.init();
      // Creating its topics needs nothing but Describe: they all exist already.
      await app.get(Messaging).started();
      await app.get(KafkaReadinessCheck).check();

      // An admin (super user) watches what companies writes.
      const watcher = createKafka('acl-watcher', [broker.brokers], {
        quiet: true,
        security: {
          sasl: { mechanism: 'scram-sha-512', username: 'admin', password: PASSWORDS.admin },
        },
      }).consumer({ groupId: `watcher-${randomUUID()}` });
      clients.push(watcher);
      const written: { topic: string; message: KafkaMessage }[] = [];
      await watcher.connect();
      await watcher.subscribe({
        topics: [TOPICS.companies.name, deadLetterTopic('', 'companies')],
        fromBeginning: true,
      });
      await watcher.run({
        eachMessage: async ({ topic, message }) => void written.push({ topic, message }),
      });
      const idOf = (message: KafkaMessage) => message.headers?.ce_id?.toString();

      const registered = examples().find((e) => e instanceof CompanyRegistered)!;
      const [registeredId] = await app
        .get<DataSource>(getDataSourceToken())
        .transaction((manager) => app!.get(Outbox).publish(manager, registered));

      const placed = examples().find((e) => e instanceof StudentPlaced) as StudentPlaced;
      const refused = Object.assign(Object.create(StudentPlaced.prototype), placed, {
        placementId: randomUUID(),
      }) as StudentPlaced;
      FAILING.add(refused.placementId);
      const matching = await producerOf('matching');
      const records = [placed, refused].map((event) =>
        toKafkaRecord(event, { source: 'matching' }),
      );
      for (const record of records)
        await matching.send({
          topic: record.topic,
          acks: -1,
          messages: [{ key: record.key, value: record.value, headers: record.headers }],
        });
      const [placedId, refusedId] = records.map((record) => record.headers.ce_id);

      await eventually(
        async () => {
          const effects = await db.dataSource.query('SELECT event_id FROM test_effect');
          return (
            effects.some((row: { event_id: string }) => row.event_id === placedId) &&
            written.some(
              (w) => w.topic === TOPICS.companies.name && idOf(w.message) === registeredId,
            ) &&
            written.some(
              (w) => w.topic === deadLetterTopic('', 'companies') && idOf(w.message) === refusedId,
            )
          );
        },
        90_000,
        () => `written: ${written.map((w) => `${w.topic}:${idOf(w.message)}`).join(', ')}`,
      );
      await app.get(KafkaReadinessCheck).check();
    } finally {
      await app?.close();
      await db.drop();
    }
  });
});
