import { completeSiret } from '@tremplin/contracts';
import {
  AcademyFixture,
  checkAccessMatrix,
  KIT_ROUTES,
  RouteAccess,
  ServiceApp,
  startServiceApp,
  tokenFor,
} from '@tremplin/testing';
import request from 'supertest';
import { CompaniesServiceModule } from '../src/companies-service.module';

jest.setTimeout(120_000);

interface CompaniesFixture extends AcademyFixture {
  companyId: string;
  /** An offer of the company, read, listed and updated. */
  offerId: string;
  /** Offers of the company to withdraw, one per call (a second withdrawal is a 409). */
  withdrawable: string[];
}

const READERS = [
  'admin',
  'academy_admin',
  'office_manager',
  'school_head',
  'teacher',
  'company',
  'service',
] as const;

const site = (siret: string, academy: string) => ({
  siret,
  legalName: `Atelier ${siret}`,
  nafCode: '62.01Z',
  nafRevision: 'rev2',
  communeCode: '31555',
  academy,
});

/** Who posts, changes and withdraws offers; who reads them. */
const OFFER_WRITERS = ['admin', 'academy_admin', 'office_manager', 'company'] as const;
const OFFER_READERS = [...OFFER_WRITERS, 'school_head', 'teacher', 'service'] as const;

/** A valid offer of a company site. */
const offer = (companyId: string) => ({
  companyId,
  title: 'Assistant(e) de maintenance informatique',
  description: 'Installer et dépanner les postes de nos clients.',
  romeCodes: ['I1401'],
  diplomas: ['40025214'],
  periods: [{ startDate: '2027-01-11', endDate: '2027-02-05', seats: 2 }],
  place: { communeCode: '31555', latitude: 43.6045, longitude: 1.444 },
  schedule: {
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    start: '09:00',
    end: '16:00',
    breakMinutes: 60,
  },
  involvesRegulatedWork: false,
});

/** Calls of one route per run of the matrix: no token, then every role inside and outside. */
const CALLS_PER_ROUTE = 19;

/** Every route of the companies service, with who may call it (the service issues add theirs). */
const ROUTES: RouteAccess<CompaniesFixture>[] = [
  ...KIT_ROUTES,
  {
    route: 'POST /api/v1/companies',
    roles: ['admin', 'academy_admin', 'office_manager'],
    expect: { kind: 'create' },
    call: (target, attempt) => ({
      path: '/api/v1/companies',
      body: site(completeSiret(String(5_550_000_000_000 + attempt)), target.academy),
    }),
  },
  {
    route: 'GET /api/v1/companies',
    roles: READERS,
    expect: { kind: 'list', rowId: (target) => (target as CompaniesFixture).companyId },
    call: () => ({ path: '/api/v1/companies?limit=500' }),
  },
  {
    route: 'GET /api/v1/companies/{id}',
    roles: READERS,
    expect: { kind: 'read' },
    call: (target) => ({ path: `/api/v1/companies/${target.companyId}` }),
  },
  {
    route: 'POST /api/v1/offers',
    roles: OFFER_WRITERS,
    expect: { kind: 'create' },
    call: (target) => ({ path: '/api/v1/offers', body: offer(target.companyId) }),
  },
  {
    route: 'GET /api/v1/offers',
    roles: OFFER_READERS,
    expect: { kind: 'list', rowId: (target) => (target as CompaniesFixture).offerId },
    call: () => ({ path: '/api/v1/offers?limit=500' }),
  },
  {
    route: 'GET /api/v1/offers/{id}',
    roles: OFFER_READERS,
    expect: { kind: 'read' },
    call: (target) => ({ path: `/api/v1/offers/${target.offerId}` }),
  },
  {
    route: 'PATCH /api/v1/offers/{id}',
    roles: OFFER_WRITERS,
    expect: { kind: 'read' },
    call: (target, attempt) => ({
      path: `/api/v1/offers/${target.offerId}`,
      body: { title: `Assistant(e) ${attempt}` },
    }),
  },
  {
    route: 'POST /api/v1/offers/{id}/withdrawal',
    roles: OFFER_WRITERS,
    expect: { kind: 'read' },
    call: (target, attempt) => ({
      path: `/api/v1/offers/${target.withdrawable[attempt % CALLS_PER_ROUTE]}/withdrawal`,
      body: { reason: 'cancelled' },
    }),
  },
];

describe('companies: every route, every role, inside and outside the scope', () => {
  let service: ServiceApp;
  let fixtures: [CompaniesFixture, CompaniesFixture];

  beforeAll(async () => {
    service = await startServiceApp(CompaniesServiceModule, 'companies');
    const admin = tokenFor('admin', { academy: '16', schools: [], companies: [], students: [] });
    const register = async (
      academy: string,
      digits: string,
      withOffersToWithdraw: boolean,
    ): Promise<CompaniesFixture> => {
      const siret = completeSiret(digits);
      const response = await request(service.app.getHttpServer())
        .post('/api/v1/companies')
        .set('authorization', `Bearer ${admin}`)
        .send(site(siret, academy))
        .expect(201);
      const companyId = response.body.id;
      const post = async () =>
        (
          await request(service.app.getHttpServer())
            .post('/api/v1/offers')
            .set('authorization', `Bearer ${admin}`)
            .send(offer(companyId))
            .expect(201)
        ).body.id as string;
      const offerId = await post();
      const withdrawable: string[] = [];
      if (withOffersToWithdraw)
        for (let i = 0; i < CALLS_PER_ROUTE; i++) withdrawable.push(await post());
      return {
        academy,
        schools: [],
        companies: [siret],
        students: [],
        companyId,
        offerId,
        withdrawable,
      };
    };
    fixtures = [
      await register('16', '7328293200001', true),
      await register('13', '4410001000001', false),
    ];
  });
  afterAll(() => service?.stop());

  it('answers every call as its route declares, and declares every route', async () => {
    const result = await checkAccessMatrix({ app: service.app, fixtures, routes: ROUTES });
    expect(result).toEqual({
      uncovered: [],
      unknown: [],
      mismatches: [],
      calls: ROUTES.length * CALLS_PER_ROUTE,
    });
  });
});
