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
  /** A class of the school, read and listed. */
  classId: string;
  /** Classes to schedule a period for, one per call (the periods of a class never overlap). */
  schedulable: string[];
}

/** Calls of one route per run of the matrix: no token, then every role inside and outside. */
const CALLS_PER_ROUTE = 19;

const READERS = [
  'admin',
  'academy_admin',
  'office_manager',
  'school_head',
  'teacher',
  'service',
] as const;

/** Who opens classes and sets their PFMP periods; who reads them. */
const CLASS_WRITERS = ['admin', 'academy_admin', 'office_manager', 'school_head'] as const;
const CLASS_READERS = [...CLASS_WRITERS, 'teacher', 'service'] as const;

/** A valid class of a school, without periods. */
const schoolClass = (schoolId: string, name: string) => ({
  schoolId,
  name,
  schoolYear: '2026-2027',
  diploma: '50033422',
  level: 'cap1',
  specialty: 'Équipier polyvalent du commerce',
});

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
  {
    route: 'POST /api/v1/classes',
    roles: CLASS_WRITERS,
    expect: { kind: 'create' },
    call: (target, attempt) => ({
      path: '/api/v1/classes',
      body: schoolClass(target.schoolId, `CAP EPC ${attempt}`),
    }),
  },
  {
    route: 'GET /api/v1/classes',
    roles: CLASS_READERS,
    expect: { kind: 'list', rowId: (target) => (target as SchoolsFixture).classId },
    call: () => ({ path: '/api/v1/classes?limit=500' }),
  },
  {
    route: 'GET /api/v1/classes/{id}',
    roles: CLASS_READERS,
    expect: { kind: 'read' },
    call: (target) => ({ path: `/api/v1/classes/${target.classId}` }),
  },
  {
    route: 'POST /api/v1/classes/{id}/pfmp-periods',
    roles: CLASS_WRITERS,
    expect: { kind: 'read', status: 201 },
    call: (target, attempt) => ({
      path: `/api/v1/classes/${target.schedulable[attempt % CALLS_PER_ROUTE]}/pfmp-periods`,
      body: { startDate: '2027-01-11', endDate: '2027-02-05', weeks: 4 },
    }),
  },
];

describe('schools: every route, every role, inside and outside the scope', () => {
  let service: ServiceApp;
  let fixtures: [SchoolsFixture, SchoolsFixture];

  beforeAll(async () => {
    service = await startServiceApp(SchoolsServiceModule, 'schools');
    const register = async (
      academy: string,
      digits: string,
      withClassesToSchedule: boolean,
    ): Promise<SchoolsFixture> => {
      const uai = completeUai(digits);
      const admin = `Bearer ${tokenFor('admin', { academy, schools: [], companies: [], students: [] })}`;
      const response = await request(service.app.getHttpServer())
        .post('/api/v1/schools')
        .set('authorization', admin)
        .send({ uai, name: `Lycée ${uai}`, academy, communeCode: '31555' })
        .expect(201);
      const schoolId = response.body.id;
      const open = async (name: string) =>
        (
          await request(service.app.getHttpServer())
            .post('/api/v1/classes')
            .set('authorization', admin)
            .send(schoolClass(schoolId, name))
            .expect(201)
        ).body.id as string;
      const classId = await open('CAP EPC A');
      const schedulable: string[] = [];
      if (withClassesToSchedule)
        for (let i = 0; i < CALLS_PER_ROUTE; i++) schedulable.push(await open(`CAP EPC S${i}`));
      return {
        academy,
        schools: [uai],
        companies: [],
        students: [],
        schoolId,
        classId,
        schedulable,
      };
    };
    fixtures = [await register('16', '0310001', true), await register('13', '0130001', false)];
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
