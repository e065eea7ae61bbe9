import {
  AcademyFixture,
  checkAccessMatrix,
  KIT_ROUTES,
  ServiceApp,
  startServiceApp,
} from '@tremplin/testing';
import { MatchingServiceModule } from '../src/matching-service.module';

jest.setTimeout(120_000);

const nothing = (academy: string): AcademyFixture => ({
  academy,
  schools: [],
  companies: [],
  students: [],
});

// The kit's routes only, until the matching issue adds the service's own.
describe('matching: every route, every role, inside and outside the scope', () => {
  let service: ServiceApp;

  beforeAll(async () => {
    service = await startServiceApp(MatchingServiceModule, 'matching');
  });
  afterAll(() => service?.stop());

  it('answers every call as its route declares, and declares every route', async () => {
    const fixtures = [nothing('16'), nothing('13')] as const;
    const result = await checkAccessMatrix({ app: service.app, fixtures, routes: KIT_ROUTES });
    expect(result).toEqual({
      uncovered: [],
      unknown: [],
      mismatches: [],
      calls: KIT_ROUTES.length * 19,
    });
  });
});
