import {
  createTestDatabase,
  freePort,
  mintToken,
  ServiceProcess,
  serviceEnv,
  TestDatabase,
} from '@tremplin/testing-infrastructure';
import request from 'supertest';

/**
 * The per-minute cap is counted in Redis, so two replicas of a service share it; each service
 * has a budget of its own.
 */
describe('the API rate limit, shared by two replicas through Redis', () => {
  const limit = 5;
  let databases: TestDatabase[];
  let replicas: ServiceProcess[];
  let companies: ServiceProcess;

  beforeAll(async () => {
    databases = [
      await createTestDatabase('rate_limit'),
      await createTestDatabase('rate_limit_companies'),
    ];
    const env = (database: TestDatabase) => ({
      ...serviceEnv({ databaseUrl: database.url }),
      RATE_LIMIT_PER_MINUTE: String(limit),
    });
    replicas = [
      new ServiceProcess('schools', await freePort(), env(databases[0])),
      new ServiceProcess('schools', await freePort(), env(databases[0])),
    ];
    companies = new ServiceProcess('companies', await freePort(), env(databases[1]));
    await Promise.all([...replicas, companies].map((service) => service.waitFor('/health/ready')));
  });

  afterAll(async () => {
    await Promise.all([...replicas, companies].map((service) => service?.stop()));
    await Promise.all((databases ?? []).map((database) => database.drop()));
  });

  it('answers 429 with Retry-After once a caller exceeds the limit across replicas', async () => {
    // Start clear of a minute boundary, where the window (and so the count) starts anew.
    const untilNextMinute = 60_000 - (Date.now() % 60_000);
    if (untilNextMinute < 5_000) await new Promise((r) => setTimeout(r, untilNextMinute + 100));
    const token = `Bearer ${mintToken({ sub: `caller-${Date.now()}`, roles: ['admin'] })}`;
    const statuses: number[] = [];
    for (let call = 0; call < limit + 2; call++) {
      const replica = replicas[call % 2];
      const response = await request(replica.url)
        .get('/api/v1/schools')
        .set('authorization', token);
      statuses.push(response.status);
      if (response.status === 429) {
        expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      }
    }
    expect(statuses).toEqual([...Array(limit).fill(200), 429, 429]);
    // The same caller still has its budget at another service.
    await request(companies.url).get('/api/v1/companies').set('authorization', token).expect(200);
    // Health probes and metrics are never limited: more calls than the budget, with the
    // exhausted caller's token, all answered (a limited route would give 429 by the sixth).
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      const answered: number[] = [];
      for (let call = 0; call < limit + 2; call++)
        answered.push(
          (
            await request(replicas[call % 2].url)
              .get(path)
              .set('authorization', token)
          ).status,
        );
      expect({ path, answered }).toEqual({ path, answered: Array(limit + 2).fill(200) });
    }
  });
});
