import {
  createTestDatabase,
  freePort,
  mintToken,
  ServiceProcess,
  serviceEnv,
  TestDatabase,
} from '@tremplin/testing';
import request from 'supertest';

/** The per-minute cap is counted in Redis, so two replicas of a service share it. */
describe('the API rate limit, shared by two replicas through Redis', () => {
  const limit = 5;
  let database: TestDatabase;
  let replicas: ServiceProcess[];

  beforeAll(async () => {
    database = await createTestDatabase('rate_limit');
    const env = {
      ...serviceEnv({ databaseUrl: database.url }),
      RATE_LIMIT_PER_MINUTE: String(limit),
    };
    replicas = [
      new ServiceProcess('schools', await freePort(), env),
      new ServiceProcess('schools', await freePort(), env),
    ];
    await Promise.all(replicas.map((replica) => replica.waitFor('/health/ready')));
  });

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.stop()));
    await database?.drop();
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
    // Health probes are never limited.
    await request(replicas[0].url).get('/health/live').expect(200);
  });
});
