import { Outbox } from '@tremplin/messaging';
import { Caller, RuleViolated, systemCaller, UseCase } from '@tremplin/platform';
import { createServiceDatabase, ServiceDatabase } from '@tremplin/testing';
import { Company } from '../../companies/company.entity';
import { CreateCompanies1764331200000 } from '../../migrations/1764331200000-create-companies';
import { CreateInternshipOffers1765108800000 } from '../../migrations/1765108800000-create-internship-offers';
import { InternshipOffer } from '../internship-offer.entity';
import { InternshipOfferPeriod } from '../internship-offer-period.entity';
import { UpdateOffer } from '../update-offer/update-offer';
import { PostOffer, PostOfferCommand } from './post-offer';

// The HTTP door is tested in test/offers.spec.ts; here, the use cases' own checks, which hold
// for any door (an event handler, an import) that skips the DTOs.
describe('PostOffer and UpdateOffer, whatever the door', () => {
  let database: ServiceDatabase;
  let command: PostOfferCommand;
  const service: Caller = systemCaller('companies', '16');
  const outbox = new Outbox('companies');
  const run = <C, R>(useCase: UseCase<C, R>, c: C) =>
    database.dataSource.transaction((manager) => useCase.execute(c, { manager, caller: service }));
  const counts = async () =>
    database.dataSource.query(
      `SELECT (SELECT count(*) FROM internship_offers)::int AS offers,
              (SELECT count(*) FROM internship_offer_periods)::int AS periods,
              (SELECT count(*) FROM messaging_outbox)::int AS events`,
    );

  beforeAll(async () => {
    database = await createServiceDatabase('post_offer', {
      entities: [Company, InternshipOffer, InternshipOfferPeriod],
      migrations: [CreateCompanies1764331200000, CreateInternshipOffers1765108800000],
    });
    const [company] = await database.dataSource.query(
      `INSERT INTO companies (siret, name, naf_code, naf_revision, academy_code, commune_insee)
       VALUES ('73282932000074', 'Atelier Garonne', '62.01Z', 'rev2', '16', '31555') RETURNING id`,
    );
    command = {
      companyId: company.id,
      title: 'Boulanger(ère)',
      description: 'Fournil du quartier.',
      romeCodes: ['D1102'],
      diplomas: ['50022135'],
      specialties: [],
      levels: [],
      periods: [{ startDate: '2027-01-11', endDate: '2027-02-05', seats: 1 }],
      place: { communeCode: '31555', latitude: 43.6, longitude: 1.44 },
      schedule: {
        days: ['tue', 'wed', 'thu', 'fri', 'sat'],
        start: '04:00',
        end: '11:00',
        breakMinutes: 60,
      },
      involvesRegulatedWork: false,
      reservedForPriority: false,
      reservedForSchools: [],
    };
  });
  afterAll(() => database.drop());

  it("posts as the service's system caller of the academy, a baker's night hours for adults only", async () => {
    const view = await run(new PostOffer(outbox), command);
    expect(view).toMatchObject({ academy: '16', siret: '73282932000074', minorsAllowed: false });
    expect(view.minorsReasons.map((reason) => reason.rule)).toEqual(Array(3).fill('night-work'));
    expect(await counts()).toEqual([{ offers: 1, periods: 1, events: 1 }]);
  });

  it('refuses reversed or overlapping periods and a day that ends before it starts, storing nothing', async () => {
    const before = await counts();
    const overlapping = [
      { startDate: '2027-01-11', endDate: '2027-02-05', seats: 1 },
      { startDate: '2027-02-01', endDate: '2027-02-19', seats: 1 },
    ];
    for (const bad of [
      { periods: [{ startDate: '2027-02-05', endDate: '2027-01-11', seats: 1 }] },
      { periods: overlapping },
      { schedule: { ...command.schedule, start: '11:00', end: '04:00' } },
    ]) {
      const refused = await run(new PostOffer(outbox), { ...command, ...bad }).catch((e) => e);
      expect(refused).toBeInstanceOf(RuleViolated);
    }
    const [offer] = await database.dataSource.query('SELECT id FROM internship_offers');
    const refused = await run(new UpdateOffer(outbox), {
      offerId: offer.id,
      changes: { periods: overlapping },
    }).catch((e) => e);
    expect(refused).toMatchObject({ field: 'periods' });
    expect(await counts()).toEqual(before);
  });
});
