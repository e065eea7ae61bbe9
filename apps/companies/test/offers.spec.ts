import { completeSiret, InternshipPosted, TOPICS } from '@tremplin/contracts';
import type { Role } from '@tremplin/platform';
import { ServiceApp, startServiceApp, watchEvents } from '@tremplin/testing';
import { mintToken } from '@tremplin/testing-infrastructure';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CompaniesServiceModule } from '../src/companies-service.module';

jest.setTimeout(120_000);

const PROBLEM = /^application\/problem\+json/;

/** An offer event in the outbox: its key, its type without prefix and version, its data. */
interface OutboxEvent {
  key: string;
  type: string;
  data: Record<string, unknown>;
}
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'];

const token = (role: Role, scope: { academy?: string; companies?: string[] } = {}) =>
  `Bearer ${mintToken({ sub: `${role}-test`, roles: [role], schools: [], students: [], companies: [], ...scope } as Parameters<typeof mintToken>[0])}`;

const siteA = completeSiret('7328293200001'); // company A, Toulouse
const siteA2 = completeSiret(`${siteA.slice(0, 9)}0002`); // another site of A (same SIREN)
const siteB = completeSiret('4410001000001'); // company B, Toulouse
const siteC = completeSiret('5520001000001'); // company C, Aix-Marseille

const offerBody = (companyId: string) => ({
  companyId,
  title: 'Assistant(e) de maintenance informatique',
  description: 'Installer et dépanner les postes de nos clients.',
  romeCodes: ['I1401', 'M1801'],
  diplomas: ['40025214'],
  specialties: ['ciel'],
  levels: ['bacpro-premiere'],
  periods: [
    { startDate: '2027-01-11', endDate: '2027-02-05', seats: 2 },
    { startDate: '2027-03-01', endDate: '2027-03-26', seats: 1 },
  ],
  place: { communeCode: '31555', latitude: 43.6045, longitude: 1.444 },
  schedule: { days: WEEKDAYS, start: '09:00', end: '16:00', breakMinutes: 60 },
  involvesRegulatedWork: false,
  reservedForPriority: true,
  reservedForSchools: ['0381758E'],
});

describe('internship offers over HTTP', () => {
  let service: ServiceApp;
  const ids: Record<string, string> = {};
  const admin = token('admin');
  const userOfA = token('company', { companies: [siteA] });
  const userOfSirenA = token('company', { companies: [siteA.slice(0, 9)] });
  const userOfB = token('company', { companies: [siteB] });
  const manager16 = token('office_manager', { academy: '16' });
  const manager13 = token('office_manager', { academy: '13' });
  const http = () => request(service.app.getHttpServer());
  const outbox = async (key?: string): Promise<OutboxEvent[]> =>
    (
      await service.app.get(DataSource).query(
        `SELECT key, headers->>'ce_type' AS type, value FROM messaging_outbox
         WHERE headers->>'ce_type' LIKE '%Internship%' ${key ? 'AND key = $1' : ''} ORDER BY id`,
        key ? [key] : [],
      )
    ).map((row: { key: string; type: string; value: string }) => ({
      key: row.key,
      type: row.type.replace(/^fr\.tremplin\.companies\.|\.v1$/g, ''),
      data: JSON.parse(row.value),
    }));
  const offerRows = async () =>
    Number(
      (await service.app.get(DataSource).query('SELECT count(*) AS n FROM internship_offers'))[0].n,
    );

  beforeAll(async () => {
    service = await startServiceApp(CompaniesServiceModule, 'companies');
    const register = async (name: string, siret: string, academy: string) => {
      const response = await http()
        .post('/api/v1/companies')
        .set('authorization', admin)
        .send({
          siret,
          legalName: `Atelier ${name}`,
          nafCode: '62.01Z',
          nafRevision: 'rev2',
          communeCode: '31555',
          academy,
        })
        .expect(201);
      ids[name] = response.body.id;
    };
    await register('A', siteA, '16');
    await register('A2', siteA2, '16');
    await register('B', siteB, '16');
    await register('C', siteC, '13');
  });
  afterAll(() => service?.stop());

  it('posts an offer for a company user, one InternshipPosted per period, and reads it back', async () => {
    const response = await http()
      .post('/api/v1/offers')
      .set('authorization', userOfA)
      .send(offerBody(ids.A))
      .expect(201);
    const offer = response.body;
    ids.offer = offer.id;
    expect(offer).toMatchObject({
      companyId: ids.A,
      siret: siteA,
      academy: '16',
      status: 'posted',
      romeCodes: ['I1401', 'M1801'],
      place: { communeCode: '31555', latitude: 43.6045, longitude: 1.444 },
      schedule: { days: WEEKDAYS, start: '09:00', end: '16:00', breakMinutes: 60 },
      dailyHours: 6,
      weeklyHours: 30,
      minorsAllowed: true,
      adultsOnly: false,
      minimumAge: 14,
      minorsReasons: [],
      reservedForSchools: ['0381758E'],
    });
    expect(offer.periods).toEqual([
      { id: expect.any(String), startDate: '2027-01-11', endDate: '2027-02-05', seats: 2 },
      { id: expect.any(String), startDate: '2027-03-01', endDate: '2027-03-26', seats: 1 },
    ]);
    const [first, second] = offer.periods;
    expect(await outbox()).toEqual([
      {
        key: first.id,
        type: 'InternshipPosted',
        data: {
          internshipId: first.id,
          companyId: ids.A,
          academy: '16',
          title: offer.title,
          diplomas: ['40025214'],
          romeCode: 'I1401',
          period: { startDate: '2027-01-11', endDate: '2027-02-05' },
          seats: 2,
          communeCode: '31555',
          reservedForPriority: true,
          involvesRegulatedWork: false,
        },
      },
      expect.objectContaining({ key: second.id, type: 'InternshipPosted' }),
    ]);
    const read = await http()
      .get(`/api/v1/offers/${offer.id}`)
      .set('authorization', userOfA)
      .expect(200);
    expect(read.body).toEqual(offer);
  });

  it('relays the events to Kafka', async () => {
    const events = await watchEvents({
      prefix: process.env.KAFKA_TOPIC_PREFIX ?? '',
      topics: [TOPICS.internships],
    });
    try {
      const { event } = await events.waitFor(
        InternshipPosted,
        (e) => e.companyId === ids.A && e.seats === 2,
        30_000,
      );
      expect(event.period).toEqual({ startDate: '2027-01-11', endDate: '2027-02-05' });
    } finally {
      await events.stop();
    }
  });

  it("lets an office manager post for a company of the academy, never for another academy's", async () => {
    const response = await http()
      .post('/api/v1/offers')
      .set('authorization', manager16)
      .send(offerBody(ids.B))
      .expect(201);
    ids.offerOfB = response.body.id;
    const before = await offerRows();
    const refused = await http()
      .post('/api/v1/offers')
      .set('authorization', manager13)
      .send(offerBody(ids.A))
      .expect(403);
    expect(refused.headers['content-type']).toMatch(PROBLEM);
    await http()
      .post('/api/v1/offers')
      .set('authorization', userOfB)
      .send(offerBody(ids.A))
      .expect(403);
    const unknown = await http()
      .post('/api/v1/offers')
      .set('authorization', admin)
      .send(offerBody('7d0b1f8e-2f7c-4a56-9a3e-0c1d2e3f4a5b'))
      .expect(422);
    expect(unknown.body.errors).toEqual([{ field: 'companyId', messages: [expect.any(String)] }]);
    expect(await offerRows()).toBe(before);
  });

  it('accepts a schedule no minor may work, for adults only, and says why', async () => {
    // A user scoped to one site may not post for another site of the company; by SIREN, may.
    await http()
      .post('/api/v1/offers')
      .set('authorization', userOfA)
      .send(offerBody(ids.A2))
      .expect(403);
    const response = await http()
      .post('/api/v1/offers')
      .set('authorization', userOfSirenA)
      .send({
        ...offerBody(ids.A2),
        schedule: { days: WEEKDAYS, start: '14:00', end: '22:00', breakMinutes: 30 },
      })
      .expect(201);
    ids.offerOfA2 = response.body.id;
    expect(response.body).toMatchObject({
      minorsAllowed: false,
      adultsOnly: true,
      minimumAge: 18,
      minorsReasons: [
        { age: 14, rule: 'daily-hours' },
        { age: 15, rule: 'daily-hours' },
        { age: 16, rule: 'weekly-hours' },
      ],
    });
  });

  it.each([
    [
      'negative seats',
      { periods: [{ startDate: '2027-01-11', endDate: '2027-02-05', seats: -1 }] },
      'periods.0.seats',
    ],
    [
      'fractional seats',
      { periods: [{ startDate: '2027-01-11', endDate: '2027-02-05', seats: 1.5 }] },
      'periods.0.seats',
    ],
    [
      'a latitude out of range',
      { place: { communeCode: '31555', latitude: 91, longitude: 1.4 } },
      'place.latitude',
    ],
    [
      'a longitude out of range',
      { place: { communeCode: '31555', latitude: 43.6, longitude: -181 } },
      'place.longitude',
    ],
    [
      'a reversed period',
      { periods: [{ startDate: '2027-02-05', endDate: '2027-01-11', seats: 1 }] },
      'periods',
    ],
    [
      'overlapping periods',
      {
        periods: [
          { startDate: '2027-01-11', endDate: '2027-02-05', seats: 1 },
          { startDate: '2027-02-01', endDate: '2027-02-19', seats: 1 },
        ],
      },
      'periods',
    ],
    ['no period', { periods: [] }, 'periods'],
    ['an unknown field', { rogue: true }, 'rogue'],
    [
      'an unknown field inside the place',
      { place: { communeCode: '31555', latitude: 43.6, longitude: 1.4, street: 'x' } },
      'place.street',
    ],
    [
      'a day that ends before it starts',
      { schedule: { days: WEEKDAYS, start: '17:00', end: '09:00', breakMinutes: 0 } },
      'schedule.end',
    ],
    [
      'an unknown day',
      { schedule: { days: ['mon', 'someday'], start: '09:00', end: '16:00', breakMinutes: 0 } },
      'schedule.days',
    ],
    ['a bad ROME code', { romeCodes: ['I14'] }, 'romeCodes'],
    ['no diploma', { diplomas: [] }, 'diplomas'],
    ['a bad UAI', { reservedForSchools: ['0381758F'] }, 'reservedForSchools'],
  ])('refuses %s with a 400 naming the field, storing nothing', async (_case, change, field) => {
    const before = await offerRows();
    const response = await http()
      .post('/api/v1/offers')
      .set('authorization', userOfA)
      .send({ ...offerBody(ids.A), ...change })
      .expect(400);
    expect(response.headers['content-type']).toMatch(PROBLEM);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    expect(await offerRows()).toBe(before);
  });

  it('updates an offer: kept periods updated, new ones posted, dropped ones withdrawn', async () => {
    const before = (await http().get(`/api/v1/offers/${ids.offer}`).set('authorization', userOfA))
      .body;
    const [kept, dropped] = before.periods;
    const response = await http()
      .patch(`/api/v1/offers/${ids.offer}`)
      .set('authorization', manager16)
      .send({
        title: 'Technicien(ne) de maintenance',
        periods: [
          { startDate: '2027-01-11', endDate: '2027-02-12', seats: 3 },
          { startDate: '2027-05-03', endDate: '2027-05-28', seats: 1 },
        ],
        schedule: { days: WEEKDAYS, start: '13:00', end: '21:00', breakMinutes: 60 },
      })
      .expect(200);
    expect(response.body).toMatchObject({
      title: 'Technicien(ne) de maintenance',
      description: before.description,
      minorsAllowed: true,
      minimumAge: 16,
      minorsReasons: [
        { age: 14, rule: 'weekly-hours' },
        { age: 15, rule: 'night-work' },
      ],
    });
    const [first, added] = response.body.periods;
    expect(first).toEqual({
      id: kept.id,
      startDate: '2027-01-11',
      endDate: '2027-02-12',
      seats: 3,
    });
    expect(added).toMatchObject({ startDate: '2027-05-03', seats: 1 });
    const events = (await outbox()).slice(-3);
    expect(events).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          key: kept.id,
          type: 'InternshipUpdated',
          data: expect.objectContaining({ title: 'Technicien(ne) de maintenance', seats: 3 }),
        }),
        expect.objectContaining({ key: added.id, type: 'InternshipPosted' }),
        {
          key: dropped.id,
          type: 'InternshipWithdrawn',
          data: { internshipId: dropped.id, companyId: ids.A, academy: '16', reason: 'cancelled' },
        },
      ]),
    );
    expect(events).toHaveLength(3);
  });

  it('refuses an update that moves the company, sends null or breaks the rules, changing nothing', async () => {
    const before = (await http().get(`/api/v1/offers/${ids.offer}`).set('authorization', userOfA))
      .body;
    const cases: [object, string][] = [
      [{ companyId: ids.B }, 'companyId'],
      [{ title: null }, 'title'],
      [{ periods: [{ startDate: '2027-01-11', endDate: '2027-01-01', seats: 1 }] }, 'periods'],
      [{ place: { communeCode: '31555', latitude: -90.5, longitude: 0 } }, 'place.latitude'],
    ];
    for (const [body, field] of cases) {
      const response = await http()
        .patch(`/api/v1/offers/${ids.offer}`)
        .set('authorization', userOfA)
        .send(body)
        .expect(400);
      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
    const after = (await http().get(`/api/v1/offers/${ids.offer}`).set('authorization', userOfA))
      .body;
    expect(after).toEqual(before);
  });

  it("hides an offer from another company's user and another academy's office manager", async () => {
    for (const outsider of [userOfB, manager13]) {
      await http().get(`/api/v1/offers/${ids.offer}`).set('authorization', outsider).expect(404);
      await http()
        .patch(`/api/v1/offers/${ids.offer}`)
        .set('authorization', outsider)
        .send({ title: 'Pris' })
        .expect(404);
      await http()
        .post(`/api/v1/offers/${ids.offer}/withdrawal`)
        .set('authorization', outsider)
        .send({})
        .expect(404);
      const list = await http()
        .get('/api/v1/offers?limit=500')
        .set('authorization', outsider)
        .expect(200);
      expect(list.body.items.map((item: { id: string }) => item.id)).not.toContain(ids.offer);
    }
    const title = (await http().get(`/api/v1/offers/${ids.offer}`).set('authorization', userOfA))
      .body.title;
    expect(title).toBe('Technicien(ne) de maintenance');
  });

  it('lists the offers of the caller’s scope, a page at a time, filtered', async () => {
    const listed = async (authorization: string, query = '') =>
      (
        await http()
          .get(`/api/v1/offers?limit=500${query}`)
          .set('authorization', authorization)
          .expect(200)
      ).body;
    const ofA = await listed(userOfA);
    expect(ofA.items.map((item: { id: string }) => item.id)).toEqual([ids.offer]);
    expect(ofA.items[0].periods).toHaveLength(2);
    const ofSiren = await listed(userOfSirenA);
    expect(ofSiren.items.map((item: { id: string }) => item.id)).toEqual([
      ids.offer,
      ids.offerOfA2,
    ]);
    const of16 = await listed(manager16);
    expect(of16.total).toBe(3);
    expect((await listed(manager13)).items).toEqual([]);
    expect(
      (await listed(manager16, `&companyId=${ids.B}`)).items.map((item: { id: string }) => item.id),
    ).toEqual([ids.offerOfB]);
    const page = (
      await http()
        .get('/api/v1/offers?offset=1&limit=1')
        .set('authorization', manager16)
        .expect(200)
    ).body;
    expect(page).toMatchObject({ total: 3, offset: 1, limit: 1, items: [{ id: ids.offerOfB }] });
    await http().get('/api/v1/offers?status=open').set('authorization', manager16).expect(400);
  });

  it('withdraws an offer once, one InternshipWithdrawn per period, and then refuses changes', async () => {
    const response = await http()
      .post(`/api/v1/offers/${ids.offerOfB}/withdrawal`)
      .set('authorization', manager16)
      .send({ reason: 'filled-elsewhere' })
      .expect(200);
    expect(response.body).toMatchObject({
      status: 'withdrawn',
      withdrawalReason: 'filled-elsewhere',
    });
    for (const period of response.body.periods)
      expect((await outbox(period.id)).at(-1)).toEqual({
        key: period.id,
        type: 'InternshipWithdrawn',
        data: {
          internshipId: period.id,
          companyId: ids.B,
          academy: '16',
          reason: 'filled-elsewhere',
        },
      });
    const rows = (await outbox()).length;
    await http()
      .post(`/api/v1/offers/${ids.offerOfB}/withdrawal`)
      .set('authorization', manager16)
      .send({})
      .expect(409);
    await http()
      .patch(`/api/v1/offers/${ids.offerOfB}`)
      .set('authorization', manager16)
      .send({ title: 'Encore' })
      .expect(409);
    await http()
      .post(`/api/v1/offers/${ids.offer}/withdrawal`)
      .set('authorization', userOfA)
      .send({ reason: 'sold' })
      .expect(400);
    expect((await outbox()).length).toBe(rows);
    const withdrawn = await http()
      .get('/api/v1/offers?status=withdrawn')
      .set('authorization', manager16)
      .expect(200);
    expect(withdrawn.body.items.map((item: { id: string }) => item.id)).toEqual([ids.offerOfB]);
  });
  it('withdraws an offer once when two withdrawals race, announcing it once', async () => {
    const posted = await http()
      .post('/api/v1/offers')
      .set('authorization', userOfA)
      .send(offerBody(ids.A))
      .expect(201);
    const withdraw = () =>
      http()
        .post(`/api/v1/offers/${posted.body.id}/withdrawal`)
        .set('authorization', userOfA)
        .send({});
    const statuses = (await Promise.all([withdraw(), withdraw(), withdraw()])).map((r) => r.status);
    expect(statuses.sort()).toEqual([200, 409, 409]);
    for (const period of posted.body.periods)
      expect((await outbox(period.id)).map((event) => event.type)).toEqual([
        'InternshipPosted',
        'InternshipWithdrawn',
      ]);
  });
});
