import { completeUai, PfmpPeriodScheduled, TOPICS } from '@tremplin/contracts';
import type { Role } from '@tremplin/platform';
import { ServiceApp, startServiceApp, watchEvents } from '@tremplin/testing';
import { mintToken } from '@tremplin/testing-infrastructure';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { SchoolsServiceModule } from '../src/schools-service.module';

jest.setTimeout(120_000);

const PROBLEM = /^application\/problem\+json/;

const token = (role: Role, scope: { academy?: string; schools?: string[] } = {}) =>
  `Bearer ${mintToken({ sub: `${role}-test`, roles: [role], schools: [], students: [], companies: [], ...scope } as Parameters<typeof mintToken>[0])}`;

const uaiA = completeUai('0310001'); // school A, Toulouse
const uaiB = completeUai('0310002'); // school B, Toulouse
const uaiC = completeUai('0130001'); // school C, Aix-Marseille

const classBody = (schoolId: string, name = '2nde MRC A') => ({
  schoolId,
  name,
  schoolYear: '2026-2027',
  diploma: '40030001',
  level: 'bacpro-seconde',
  familleDeMetiers: 'Métiers de la relation client',
  pfmpPeriods: [
    { startDate: '2027-05-03', endDate: '2027-05-28', weeks: 4 },
    { startDate: '2027-01-11', endDate: '2027-01-22', weeks: 2 },
  ],
});

/** A period as scheduled: counting in its class's calendar, never cancelled. */
const scheduledStatus = { status: 'scheduled', cancellationReason: null, cancelledAt: null };

interface OutboxEvent {
  key: string;
  type: string;
  data: Record<string, unknown>;
}

describe('classes and their PFMP periods over HTTP', () => {
  let service: ServiceApp;
  const ids: Record<string, string> = {};
  const admin = token('admin');
  const managerOfA = token('office_manager', { academy: '16', schools: [uaiA] });
  const managerOfB = token('office_manager', { academy: '16', schools: [uaiB] });
  const headOfA = token('school_head', { academy: '16', schools: [uaiA] });
  const teacherOfA = token('teacher', { academy: '16', schools: [uaiA] });
  const academy13 = token('academy_admin', { academy: '13' });
  const http = () => request(service.app.getHttpServer());
  const query = (sql: string, parameters: unknown[] = []) =>
    service.app.get(DataSource).query(sql, parameters);
  const outbox = async (): Promise<OutboxEvent[]> =>
    (
      await query(
        `SELECT key, headers->>'ce_type' AS type, value FROM messaging_outbox
         WHERE headers->>'ce_type' LIKE '%PfmpPeriod%' ORDER BY id`,
      )
    ).map((row: { key: string; type: string; value: string }) => ({
      key: row.key,
      type: row.type,
      data: JSON.parse(row.value),
    }));
  const counts = async () =>
    (
      await query(
        `SELECT (SELECT count(*) FROM school_classes)::int AS classes,
                (SELECT count(*) FROM pfmp_periods)::int AS periods,
                (SELECT count(*) FROM messaging_outbox
                  WHERE headers->>'ce_type' LIKE '%PfmpPeriod%')::int AS events`,
      )
    )[0];

  beforeAll(async () => {
    service = await startServiceApp(SchoolsServiceModule, 'schools');
    const register = async (name: string, uai: string, academy: string) => {
      const response = await http()
        .post('/api/v1/schools')
        .set('authorization', admin)
        .send({ uai, name: `Lycée ${name}`, academy, communeCode: '31555' })
        .expect(201);
      ids[name] = response.body.id;
    };
    await register('A', uaiA, '16');
    await register('B', uaiB, '16');
    await register('C', uaiC, '13');
  });
  afterAll(() => service?.stop());

  it('opens a class with its periods, one PfmpPeriodScheduled each, and reads it back', async () => {
    const response = await http()
      .post('/api/v1/classes')
      .set('authorization', managerOfA)
      .send(classBody(ids.A))
      .expect(201);
    const opened = response.body;
    ids.class = opened.id;
    expect(opened).toEqual({
      id: expect.any(String),
      schoolId: ids.A,
      uai: uaiA,
      academy: '16',
      name: '2nde MRC A',
      schoolYear: '2026-2027',
      diploma: '40030001',
      level: 'bacpro-seconde',
      specialty: null,
      familleDeMetiers: 'Métiers de la relation client',
      pfmpPeriods: [
        {
          id: expect.any(String),
          classId: opened.id,
          startDate: '2027-01-11',
          endDate: '2027-01-22',
          weeks: 2,
          ...scheduledStatus,
        },
        {
          id: expect.any(String),
          classId: opened.id,
          startDate: '2027-05-03',
          endDate: '2027-05-28',
          weeks: 4,
          ...scheduledStatus,
        },
      ],
      createdAt: expect.any(String),
    });
    const events = await outbox();
    expect(events).toHaveLength(2);
    const january = opened.pfmpPeriods[0];
    expect(events).toContainEqual({
      key: opened.id,
      type: 'fr.tremplin.schools.PfmpPeriodScheduled.v1',
      data: {
        periodId: january.id,
        classId: opened.id,
        schoolId: ids.A,
        academy: '16',
        schoolYear: '2026-2027',
        level: 'bacpro-seconde',
        diploma: '40030001',
        startDate: '2027-01-11',
        endDate: '2027-01-22',
        weeks: 2,
      },
    });
    const read = await http()
      .get(`/api/v1/classes/${opened.id}`)
      .set('authorization', teacherOfA)
      .expect(200);
    expect(read.body).toEqual(opened);
  });

  it('schedules a period for a class, announced on the calendar topic', async () => {
    const before = await counts();
    const response = await http()
      .post(`/api/v1/classes/${ids.class}/pfmp-periods`)
      .set('authorization', headOfA)
      .send({ startDate: '2027-03-01', endDate: '2027-03-12', weeks: 2 })
      .expect(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      classId: ids.class,
      startDate: '2027-03-01',
      endDate: '2027-03-12',
      weeks: 2,
      ...scheduledStatus,
    });
    ids.march = response.body.id;
    expect(await counts()).toEqual({
      classes: before.classes,
      periods: before.periods + 1,
      events: before.events + 1,
    });
    const [last] = (await outbox()).slice(-1);
    expect(last).toMatchObject({
      key: ids.class,
      data: { periodId: ids.march, startDate: '2027-03-01', endDate: '2027-03-12', weeks: 2 },
    });
    const read = await http()
      .get(`/api/v1/classes/${ids.class}`)
      .set('authorization', managerOfA)
      .expect(200);
    expect(read.body.pfmpPeriods.map((p: { startDate: string }) => p.startDate)).toEqual([
      '2027-01-11',
      '2027-03-01',
      '2027-05-03',
    ]);
  });

  it('relays PfmpPeriodScheduled to Kafka', async () => {
    const events = await watchEvents({
      prefix: process.env.KAFKA_TOPIC_PREFIX ?? '',
      topics: [TOPICS.calendar],
    });
    try {
      const { event } = await events.waitFor(
        PfmpPeriodScheduled,
        (e) => e.periodId === ids.march,
        30_000,
      );
      expect(event).toMatchObject({ classId: ids.class, schoolId: ids.A, weeks: 2 });
    } finally {
      await events.stop();
    }
  });

  it('lists the classes of a school, paginated, filtered by school year and level', async () => {
    const open = (body: object) =>
      http().post('/api/v1/classes').set('authorization', admin).send(body).expect(201);
    const terminale = await open({
      schoolId: ids.A,
      name: 'Tle MCV A',
      schoolYear: '2026-2027',
      diploma: '40031213',
      level: 'bacpro-terminale',
      specialty: 'Métiers du commerce et de la vente',
    });
    const lastYear = await open({ ...classBody(ids.A), schoolYear: '2025-2026', pfmpPeriods: [] });
    const ofB = await open({ ...classBody(ids.B), pfmpPeriods: [] });
    ids.classOfB = ofB.body.id;
    const list = async (path: string, caller = managerOfA) =>
      (await http().get(path).set('authorization', caller).expect(200)).body;

    const all = await list('/api/v1/classes');
    expect(all).toMatchObject({ total: 3, offset: 0, limit: 50 });
    expect(all.items.map((c: { id: string }) => c.id)).toEqual([
      ids.class,
      terminale.body.id,
      lastYear.body.id,
    ]);
    expect(all.items[0].pfmpPeriods).toHaveLength(3);
    const byYear = await list(`/api/v1/classes?schoolId=${ids.A}&schoolYear=2026-2027`);
    expect(byYear.items.map((c: { id: string }) => c.id)).toEqual([ids.class, terminale.body.id]);
    const byLevel = await list('/api/v1/classes?level=bacpro-terminale');
    expect(byLevel.items.map((c: { id: string }) => c.id)).toEqual([terminale.body.id]);
    const second = await list('/api/v1/classes?offset=1&limit=1');
    expect(second).toMatchObject({ total: 3, offset: 1, limit: 1 });
    expect(second.items.map((c: { id: string }) => c.id)).toEqual([terminale.body.id]);
    const bad = await http()
      .get('/api/v1/classes?level=bacpro-quatrieme')
      .set('authorization', managerOfA)
      .expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['level']);
  });

  it("keeps another school's office manager out: 404 on reads, absent from lists, 403/404 on writes", async () => {
    await http().get(`/api/v1/classes/${ids.class}`).set('authorization', managerOfB).expect(404);
    const listed = await http()
      .get('/api/v1/classes?limit=500')
      .set('authorization', managerOfB)
      .expect(200);
    expect(listed.body.items.map((c: { id: string }) => c.id)).toEqual([ids.classOfB]);
    await http().get(`/api/v1/classes/${ids.class}`).set('authorization', academy13).expect(404);

    const before = await counts();
    const refused = await http()
      .post('/api/v1/classes')
      .set('authorization', managerOfB)
      .send(classBody(ids.A, '2nde MRC Z'))
      .expect(403);
    expect(refused.headers['content-type']).toMatch(PROBLEM);
    const hidden = await http()
      .post(`/api/v1/classes/${ids.class}/pfmp-periods`)
      .set('authorization', managerOfB)
      .send({ startDate: '2027-04-05', endDate: '2027-04-09', weeks: 1 })
      .expect(404);
    expect(hidden.headers['content-type']).toMatch(PROBLEM);
    await http()
      .post('/api/v1/classes')
      .set('authorization', teacherOfA)
      .send(classBody(ids.A, '2nde MRC Y'))
      .expect(403);
    await http()
      .post('/api/v1/classes')
      .set('authorization', academy13)
      .send(classBody(ids.A, '2nde MRC X'))
      .expect(403);
    const unknownSchool = await http()
      .post('/api/v1/classes')
      .set('authorization', admin)
      .send(classBody('7d0b1f8e-2f7c-4a56-9a3e-0c1d2e3f4a5b'))
      .expect(422);
    expect(unknownSchool.body.errors).toEqual([
      { field: 'schoolId', messages: [expect.any(String)] },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('refuses a class name already opened in the school and year (409), storing nothing', async () => {
    const before = await counts();
    const response = await http()
      .post('/api/v1/classes')
      .set('authorization', managerOfA)
      .send(classBody(ids.A))
      .expect(409);
    expect(response.body.errors).toEqual([{ field: 'name', messages: [expect.any(String)] }]);
    expect(await counts()).toEqual(before);
  });

  const period = (startDate: string, endDate: string, weeks: number) => ({
    startDate,
    endDate,
    weeks,
  });

  it.each([
    ['a bad CFD', { diploma: '4003000' }, 'diploma'],
    ['a CFD with letters', { diploma: '4003000A' }, 'diploma'],
    ['an unknown level', { level: 'bacpro-quatrieme' }, 'level'],
    ['a malformed school year', { schoolYear: '2026/2027' }, 'schoolYear'],
    ['a school year of two years', { schoolYear: '2026-2028' }, 'schoolYear'],
    [
      'a famille de métiers on a première',
      { level: 'bacpro-premiere', specialty: 'Commerce' },
      'familleDeMetiers',
    ],
    [
      'a terminale without its specialty',
      { level: 'bacpro-terminale', familleDeMetiers: undefined },
      'specialty',
    ],
    ['an empty name', { name: '' }, 'name'],
    ['an unknown field', { rogue: true }, 'rogue'],
    [
      'an unknown field in a period',
      { pfmpPeriods: [{ ...period('2027-01-11', '2027-01-22', 2), seats: 3 }] },
      'pfmpPeriods.0.seats',
    ],
    [
      'a reversed period',
      { pfmpPeriods: [period('2027-01-22', '2027-01-11', 1)] },
      'pfmpPeriods.0.endDate',
    ],
    [
      'a day not of the calendar',
      { pfmpPeriods: [period('2027-02-29', '2027-03-12', 2)] },
      'pfmpPeriods.0.startDate',
    ],
    [
      'more weeks than the period spans',
      { pfmpPeriods: [period('2027-01-11', '2027-01-22', 3)] },
      'pfmpPeriods.0.weeks',
    ],
    ['zero weeks', { pfmpPeriods: [period('2027-01-11', '2027-01-22', 0)] }, 'pfmpPeriods.0.weeks'],
    [
      'overlapping periods',
      {
        pfmpPeriods: [period('2027-01-11', '2027-01-22', 2), period('2027-01-22', '2027-02-05', 2)],
      },
      'pfmpPeriods',
    ],
    [
      'a period outside the school year',
      { pfmpPeriods: [period('2027-08-23', '2027-09-03', 2)] },
      'pfmpPeriods',
    ],
  ])('refuses %s with a 400 naming the field, storing nothing', async (_case, change, field) => {
    const before = await counts();
    const response = await http()
      .post('/api/v1/classes')
      .set('authorization', managerOfA)
      .send({ ...classBody(ids.A, `2nde ${field}`), ...change })
      .expect(400);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(await counts()).toEqual(before);
  });

  it.each([
    ['a reversed period', period('2027-04-16', '2027-04-05', 1), 'endDate'],
    ['more weeks than it spans', period('2027-04-05', '2027-04-09', 2), 'weeks'],
    ['more weeks than a PFMP may require', period('2026-09-07', '2027-06-25', 23), 'weeks'],
    ['fractional weeks', period('2027-04-05', '2027-04-16', 1.5), 'weeks'],
    ['a bad date', period('2027-4-5', '2027-04-16', 1), 'startDate'],
    ['an unknown field', { ...period('2027-04-05', '2027-04-16', 2), rogue: 1 }, 'rogue'],
  ])(
    'refuses a period with %s with a 400 naming the field, storing nothing',
    async (_case, body, field) => {
      const before = await counts();
      const response = await http()
        .post(`/api/v1/classes/${ids.class}/pfmp-periods`)
        .set('authorization', managerOfA)
        .send(body)
        .expect(400);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
      expect(await counts()).toEqual(before);
    },
  );

  it.each([
    ['overlapping a period of the class', period('2027-01-18', '2027-01-29', 2)],
    ['outside its school year', period('2027-08-23', '2027-09-03', 2)],
    ['before its school year', period('2026-08-24', '2026-09-04', 2)],
  ])('refuses a period %s (422, naming startDate), storing nothing', async (_case, body) => {
    const before = await counts();
    const response = await http()
      .post(`/api/v1/classes/${ids.class}/pfmp-periods`)
      .set('authorization', managerOfA)
      .send(body)
      .expect(422);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    expect(response.body.errors).toEqual([{ field: 'startDate', messages: [expect.any(String)] }]);
    expect(await counts()).toEqual(before);
  });

  it('schedules one period at a time per class: of two overlapping at once, one is refused', async () => {
    const send = () =>
      http()
        .post(`/api/v1/classes/${ids.class}/pfmp-periods`)
        .set('authorization', managerOfA)
        .send(period('2027-06-07', '2027-06-18', 2));
    const statuses = (await Promise.all([send(), send()])).map((r) => r.status).sort();
    expect(statuses).toEqual([201, 422]);
  });
});
