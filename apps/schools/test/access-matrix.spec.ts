import { completeUai } from '@tremplin/contracts';
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
import { SchoolsServiceModule } from '../src/schools-service.module';

jest.setTimeout(120_000);

interface SchoolsFixture extends AcademyFixture {
  schoolId: string;
}

const READERS = [
  'admin',
  'academy_admin',
  'office_manager',
  'school_head',
  'teacher',
  'service',
] as const;

/** Every route of the schools service, with who may call it (the service issues add theirs). */
const ROUTES: RouteAccess<SchoolsFixture>[] = [
  ...KIT_ROUTES,
  {
    route: 'POST /api/v1/schools',
    roles: ['admin', 'academy_admin'],
    expect: { kind: 'create' },
    call: (target, attempt) => ({
      path: '/api/v1/schools',
      body: {
        uai: completeUai(String(9_000_000 + attempt)),
        name: `Lycée du matrice ${attempt}`,
        academy: target.academy,
        communeCode: '31555',
      },
    }),
  },
  {
    route: 'GET /api/v1/schools',
    roles: READERS,
    expect: { kind: 'list', rowId: (target) => (target as SchoolsFixture).schoolId },
    call: () => ({ path: '/api/v1/schools?limit=500' }),
  },
  {
    route: 'GET /api/v1/schools/{id}',
    roles: READERS,
    expect: { kind: 'read' },
    call: (target) => ({ path: `/api/v1/schools/${target.schoolId}` }),
  },
];

describe('schools: every route, every role, inside and outside the scope', () => {
  let service: ServiceApp;
  let fixtures: [SchoolsFixture, SchoolsFixture];

  beforeAll(async () => {
    service = await startServiceApp(SchoolsServiceModule, 'schools');
    const register = async (academy: string, digits: string): Promise<SchoolsFixture> => {
      const uai = completeUai(digits);
      const response = await request(service.app.getHttpServer())
        .post('/api/v1/schools')
        .set(
          'authorization',
          `Bearer ${tokenFor('admin', { academy, schools: [], companies: [], students: [] })}`,
        )
        .send({ uai, name: `Lycée ${uai}`, academy, communeCode: '31555' })
        .expect(201);
      return { academy, schools: [uai], companies: [], students: [], schoolId: response.body.id };
    };
    fixtures = [await register('16', '0310001'), await register('13', '0130001')];
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
