import { randomUUID } from 'node:crypto';
import { InternshipPosted, StudentRegistered, TOPICS } from '@tremplin/contracts';
import { Registry } from 'prom-client';
import { uniqueTopicPrefix } from '@tremplin/testing-infrastructure';
import { createDatabase, createTopics, tap, TestDatabase, testKafka } from '../../test/support';
import { createKafka } from '../kafka/client';
import { MessagingMetrics } from '../metrics';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox-relay';

jest.setTimeout(90_000);

/** A row of the schools service's students table: the event's fields and personal ones. */
function studentRow() {
  return {
    studentId: randomUUID(),
    schoolId: randomUUID(),
    classId: randomUUID(),
    academy: '16',
    level: 'cap1' as const,
    diploma: '50022137',
    communeCode: '31555',
    mobilityRadiusKm: 15,
    birthDate: '2009-03-14',
    hasProfessionalNetwork: false,
    priorityFlags: [],
    // Personal data that must never leave the service on a public event.
    firstName: 'Léa',
    lastName: 'Martin',
    email: 'lea.martin@example.fr',
    guardian: { name: 'Paul Martin', phone: '+33612345678' },
  };
}

describe('Outbox.publish writes only the declared fields of the contract (real PostgreSQL and Kafka)', () => {
  const prefix = uniqueTopicPrefix('declared');
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createDatabase('declared');
    await createTopics(
      testKafka(),
      [prefix + TOPICS.students.name, prefix + TOPICS.internships.name],
      1,
    );
  });

  afterAll(async () => {
    await db.drop();
  });

  it('publishes an event built from a row with extra personal fields (nested included) without them', async () => {
    const row = studentRow();
    const student = StudentRegistered.of(row);
    const internship = InternshipPosted.of({
      internshipId: randomUUID(),
      companyId: randomUUID(),
      academy: '16',
      title: 'Accueil en boulangerie',
      diplomas: ['50022137'],
      romeCode: 'D1102',
      // The nested object carries an undeclared field too.
      period: {
        startDate: '2026-01-05',
        endDate: '2026-01-30',
        tutorEmail: 'tutor@example.fr',
      } as InternshipPosted['period'],
      seats: 2,
      communeCode: '31555',
      reservedForPriority: false,
      involvesRegulatedWork: false,
      ...{ contactPhone: '+33500000000' },
    } as Parameters<typeof InternshipPosted.of>[0]);
    const reader = await tap(testKafka(), [
      prefix + TOPICS.students.name,
      prefix + TOPICS.internships.name,
    ]);
    const relay = new OutboxRelay(
      db.dataSource,
      createKafka('declared-test', ['127.0.0.1:9092'], { quiet: true }),
      { prefix },
      new MessagingMetrics(new Registry()),
    );
    relay.start();
    try {
      await db.dataSource.transaction(async (manager) => {
        await new Outbox('schools').publish(manager, student);
        await new Outbox('companies').publish(manager, internship);
      });
      const received = await reader.waitFor(2, 20_000);
      const data = (topic: string) =>
        JSON.parse(
          received.find((r) => r.topic === prefix + topic)?.message.value?.toString() as string,
        );
      const { firstName, lastName, email, guardian, ...declared } = row;
      expect([firstName, lastName, email, guardian]).toBeDefined();
      expect(data(TOPICS.students.name)).toEqual(declared);
      const published = data(TOPICS.internships.name);
      expect(Object.keys(published).sort()).toEqual(
        [
          'academy',
          'communeCode',
          'companyId',
          'diplomas',
          'internshipId',
          'involvesRegulatedWork',
          'period',
          'reservedForPriority',
          'romeCode',
          'seats',
          'title',
        ].sort(),
      );
      expect(published.period).toEqual({ startDate: '2026-01-05', endDate: '2026-01-30' });
      // The caller's event object is left as it was.
      expect((student as unknown as { email: string }).email).toBe(row.email);
    } finally {
      await relay.stop();
      await reader.stop();
    }
  });
});
