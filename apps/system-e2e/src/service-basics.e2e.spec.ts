import { SERVICE_NAMES } from '@tremplin/platform';
import {
  createTestDatabase,
  freePort,
  ServiceProcess,
  serviceEnv,
  TestDatabase,
} from '@tremplin/testing-infrastructure';
import request from 'supertest';

const PROBLEM = /^application\/problem\+json/;

describe.each(SERVICE_NAMES)(
  'the %s service, booted as a process on the real infrastructure',
  (service) => {
    let database: TestDatabase;
    let running: ServiceProcess;

    beforeAll(async () => {
      database = await createTestDatabase(service);
      running = new ServiceProcess(
        service,
        await freePort(),
        serviceEnv({ databaseUrl: database.url }),
      );
      const started = Date.now();
      await running.waitFor('/health/ready');
      console.log(`${service}: ready ${Date.now() - started} ms after spawn`);
    });

    afterAll(async () => {
      await running?.stop();
      await database?.drop();
    });

    it('answers /health/live with 200', async () => {
      await request(running.url).get('/health/live').expect(200, { status: 'ok' });
    });

    it('answers /health/ready with 200 and every dependency up', async () => {
      const response = await request(running.url).get('/health/ready').expect(200);
      expect(response.body.status).toBe('ok');
      for (const dependency of ['database', 'redis', 'kafka', 'outbox']) {
        expect(response.body.checks[dependency]).toEqual({ status: 'up' });
      }
    });

    it('serves Prometheus metrics and the OpenAPI document', async () => {
      const metrics = await request(running.url).get('/metrics').expect(200);
      expect(metrics.text).toContain('http_requests_total');
      expect(metrics.text).toContain('http_request_duration_seconds_bucket');
      const openapi = await request(running.url).get('/docs-json').expect(200);
      expect(openapi.body.openapi).toMatch(/^3\./);
      expect(openapi.body.info.title).toBe(`Tremplin ${service}`);
    });

    it('answers an unknown route with a 404 problem', async () => {
      const response = await request(running.url).get('/api/v1/no-such-thing').expect(404);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body).toMatchObject({
        status: 404,
        title: 'Not Found',
        instance: '/api/v1/no-such-thing',
      });
    });

    it('answers a malformed JSON body with a 400 problem, not a 500', async () => {
      const response = await request(running.url)
        .post('/api/v1/anything')
        .set('content-type', 'application/json')
        .send('{"unterminated": ')
        .expect(400);
      expect(response.headers['content-type']).toMatch(PROBLEM);
      expect(response.body.detail).toMatch(/JSON/);
    });

    it('tags every response with a request id, keeping the one the caller sent', async () => {
      const response = await request(running.url)
        .get('/health/live')
        .set('x-request-id', 'trace-me-42');
      expect(response.headers['x-request-id']).toBe('trace-me-42');
    });

    it('stops cleanly within a few seconds of SIGTERM', async () => {
      const sent = Date.now();
      running.kill('SIGTERM');
      const exit = await running.exited;
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      expect(Date.now() - sent).toBeLessThan(5_000);
    });
  },
);
