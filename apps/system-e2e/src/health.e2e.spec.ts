import {
  freePort,
  mintToken,
  POSTGRES_ADMIN_URL,
  ServiceOnOwnDatabase,
  startServiceOnOwnDatabase,
} from '@tremplin/testing-infrastructure';
import { Client } from 'pg';
import request from 'supertest';

/**
 * Readiness is what the pod needs to serve requests: its database. Redis (the rate limit fails
 * open) and Kafka (the outbox keeps writes) are reported as degraded without taking the pod out
 * of rotation; the public body names components and states only, the admin view says why.
 */
describe('health of a service whose Redis is unreachable', () => {
  let running: ServiceOnOwnDatabase;
  let redisPort: number;

  beforeAll(async () => {
    redisPort = await freePort(); // nothing listens there
    running = await startServiceOnOwnDatabase('schools', {
      label: 'health_redis_down',
      env: { REDIS_URL: `redis://127.0.0.1:${redisPort}` },
    });
  }, 120_000);

  afterAll(() => running?.stop());

  it('stays ready (200), degraded, naming redis down and nothing but components and states', async () => {
    const response = await request(running.service.url).get('/health/ready').expect(200);
    expect(response.body).toEqual({
      status: 'degraded',
      checks: {
        database: { status: 'up' },
        redis: { status: 'down' },
        kafka: { status: 'up' },
        outbox: { status: 'up' },
      },
    });
    // No driver error, host, port or URL: those go to the log and the admin view.
    expect(response.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|redis:\/\/|9092|5432/);
    expect(response.text).not.toContain(String(redisPort));
  });

  it('keeps serving the API, the rate limit failing open', async () => {
    await request(running.service.url)
      .get('/api/v1/schools')
      .set('authorization', `Bearer ${mintToken({ roles: ['admin'] })}`)
      .expect(200);
  });

  it('shows admins, and only admins, each dependency with its latency and last error', async () => {
    const url = running.service.url;
    await request(url).get('/health/details').expect(401);
    await request(url)
      .get('/health/details')
      .set('authorization', `Bearer ${mintToken({ roles: ['office_manager'] })}`)
      .expect(403);
    const { body } = await request(url)
      .get('/health/details')
      .set('authorization', `Bearer ${mintToken({ roles: ['admin'] })}`)
      .expect(200);
    expect(body.status).toBe('degraded');
    expect(body.checks.database).toMatchObject({
      status: 'up',
      required: true,
      latencyMs: expect.any(Number),
    });
    expect(body.checks.redis).toMatchObject({
      status: 'down',
      required: false,
      latencyMs: expect.any(Number),
      lastError: { message: expect.any(String), at: expect.any(String) },
    });
    expect(body.checks.outbox).toMatchObject({
      status: 'up',
      required: false,
      backlog: expect.any(Number),
    });
  });

  it('exports a gauge per dependency', async () => {
    const { text } = await request(running.service.url).get('/metrics').expect(200);
    expect(text).toMatch(/^health_dependency_up\{dependency="database",required="true"\} 1$/m);
    expect(text).toMatch(/^health_dependency_up\{dependency="redis",required="false"\} 0$/m);
    expect(text).toMatch(/^health_dependency_latency_seconds\{dependency="database"\} [\d.e-]+$/m);
  });
});

/** The database is what the pod needs: without it the pod is taken out of rotation. */
describe('health of a service whose database refuses connections', () => {
  let running: ServiceOnOwnDatabase;
  let admin: Client;

  beforeAll(async () => {
    running = await startServiceOnOwnDatabase('schools', { label: 'health_database_down' });
    admin = new Client({ connectionString: POSTGRES_ADMIN_URL });
    await admin.connect();
  }, 120_000);

  afterAll(async () => {
    await admin
      ?.query(`ALTER DATABASE "${running.database.name}" ALLOW_CONNECTIONS true`)
      .catch(() => undefined);
    await admin?.end();
    await running?.stop();
  });

  it('is not ready (503 naming the database, no driver error), still live, and ready again after', async () => {
    const name = running.database.name;
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    // The service's connections, not this test's own.
    const { rows } = await running.db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2',
      [name, rows[0].pid],
    );
    await running.service.waitFor('/health/ready', 503, 30_000);
    const response = await request(running.service.url).get('/health/ready').expect(503);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      detail: 'Not ready: database down',
      checks: { database: { status: 'down' }, redis: { status: 'up' } },
    });
    expect(response.text).not.toContain(name);
    expect(response.text).not.toMatch(/127\.0\.0\.1|5432|postgres|connections/i);
    await request(running.service.url).get('/health/live').expect(200);

    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    await running.service.waitFor('/health/ready', 200, 30_000);
  });
});
