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
  /** A class with one period, rescheduled on every call. */
  rescheduled: { classId: string; periodId: string };
  /** A class with a period to cancel per call (a period is cancelled once). */
  cancellable: { classId: string; periodIds: string[] };
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

/** Nineteen one-week periods, Monday to Friday, from the first Monday of the school year. */
const weeklyPeriods = Array.from({ length: CALLS_PER_ROUTE }, (_, week) => {
  const monday = Date.parse('2026-09-07T00:00:00Z') + week * 7 * 86_400_000;
  const day = (offset: number) => new Date(monday + offset * 86_400_000).toISOString().slice(0, 10);
  return { startDate: day(0), endDate: day(4), weeks: 1 };
});

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
  {
    route: 'PATCH /api/v1/classes/{id}/pfmp-periods/{periodId}',
    roles: CLASS_WRITERS,
    expect: { kind: 'read' },
    call: (target, attempt) => ({
      path: `/api/v1/classes/${target.rescheduled.classId}/pfmp-periods/${target.rescheduled.periodId}`,
      body: { weeks: 3 + (attempt % 2) },
    }),
  },
  {
    route: 'POST /api/v1/classes/{id}/pfmp-periods/{periodId}/cancellation',
    roles: CLASS_WRITERS,
    expect: { kind: 'read' },
    call: (target, attempt) => ({
      path: `/api/v1/classes/${target.cancellable.classId}/pfmp-periods/${target.cancellable.periodIds[attempt % CALLS_PER_ROUTE]}/cancellation`,
      body: { reason: 'calendar-changed' },
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
      const openWith = async (name: string, pfmpPeriods: object[]) =>
        (
          await request(service.app.getHttpServer())
            .post('/api/v1/classes')
            .set('authorization', admin)
            .send({ ...schoolClass(schoolId, name), pfmpPeriods })
            .expect(201)
        ).body as { id: string; pfmpPeriods: { id: string }[] };
      const open = async (name: string) => (await openWith(name, [])).id;
      const classId = await open('CAP EPC A');
      const schedulable: string[] = [];
      // The other academy's fixture is only a scope to call from: its own rows are never called.
      let rescheduled = { classId, periodId: classId };
      let cancellable = { classId, periodIds: [] as string[] };
      if (withClassesToSchedule) {
        for (let i = 0; i < CALLS_PER_ROUTE; i++) schedulable.push(await open(`CAP EPC S${i}`));
        const withPeriod = await openWith('CAP EPC R', [
          { startDate: '2027-01-11', endDate: '2027-02-05', weeks: 4 },
        ]);
        rescheduled = { classId: withPeriod.id, periodId: withPeriod.pfmpPeriods[0].id };
        const withPeriods = await openWith('CAP EPC C', weeklyPeriods);
        cancellable = {
          classId: withPeriods.id,
          periodIds: withPeriods.pfmpPeriods.map((period) => period.id),
        };
      }
      return {
        academy,
        schools: [uai],
        companies: [],
        students: [],
        schoolId,
        classId,
        schedulable,
        rescheduled,
        cancellable,
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
