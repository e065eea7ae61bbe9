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
];

describe('companies: every route, every role, inside and outside the scope', () => {
  let service: ServiceApp;
  let fixtures: [CompaniesFixture, CompaniesFixture];

  beforeAll(async () => {
    service = await startServiceApp(CompaniesServiceModule, 'companies');
    const admin = tokenFor('admin', { academy: '16', schools: [], companies: [], students: [] });
    const register = async (academy: string, digits: string): Promise<CompaniesFixture> => {
      const siret = completeSiret(digits);
      const response = await request(service.app.getHttpServer())
        .post('/api/v1/companies')
        .set('authorization', `Bearer ${admin}`)
        .send(site(siret, academy))
        .expect(201);
      return {
        academy,
        schools: [],
        companies: [siret],
        students: [],
        companyId: response.body.id,
      };
    };
    fixtures = [await register('16', '7328293200001'), await register('13', '4410001000001')];
  });
  afterAll(() => service?.stop());

  it('answers every call as its route declares, and declares every route', async () => {
    const result = await checkAccessMatrix({ app: service.app, fixtures, routes: ROUTES });
    expect(result).toEqual({
      uncovered: [],
      unknown: [],
      mismatches: [],
      calls: ROUTES.length * 19,
    });
  });
});
