import { SERVICE_NAMES } from '@tremplin/platform';
import {
  createTestDatabase,
  freePort,
  ServiceProcess,
  serviceEnv,
  TestDatabase,
  ThrowawayBroker,
} from '@tremplin/testing-infrastructure';
import request from 'supertest';

/**
 * A broker outage degrades every service without taking it out of rotation: the outbox keeps
 * writes safe, so /health/ready stays 200 and names kafka down (components and states only),
 * liveness never moves, and the report recovers by itself when the broker returns.
 */
describe('every service while its Kafka broker is stopped and restarted', () => {
  let broker: ThrowawayBroker;
  const databases: TestDatabase[] = [];
  const services: ServiceProcess[] = [];

  beforeAll(async () => {
    broker = new ThrowawayBroker(await freePort(), await freePort());
    await broker.start();
    for (const name of SERVICE_NAMES) {
      const database = await createTestDatabase(`outage_${name}`);
      databases.push(database);
      const env = serviceEnv({ databaseUrl: database.url, kafkaBrokers: broker.brokers });
      services.push(new ServiceProcess(name, await freePort(), env));
    }
    await Promise.all(services.map((service) => service.waitFor('/health/ready')));
  }, 240_000);

  afterAll(async () => {
    await Promise.all(services.map((service) => service.stop()));
    await broker?.destroy();
    await Promise.all(databases.map((database) => database.drop()));
  });

  it('stays ready (200) with kafka reported down, 200 on /health/live, then recovers', async () => {
    await broker.stop();
    for (const service of services) {
      const ready = await eventually(service, (body) => body.checks?.kafka?.status === 'down');
      expect(ready.status).toBe(200);
      expect(ready.body.status).toBe('degraded');
      expect(ready.body.checks.kafka).toEqual({ status: 'down' });
      expect(ready.body.checks.database).toEqual({ status: 'up' });
      // Names and states only: no driver error, no broker address.
      expect(ready.text).not.toContain(broker.brokers.split(':')[1]);
      expect(ready.text).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|KafkaJS|did not answer/);
      await request(service.url).get('/health/live').expect(200);
    }

    await broker.start();
    for (const service of services) {
      const ready = await eventually(service, (body) => body.status === 'ok', 60_000);
      expect(ready.body.checks.kafka).toEqual({ status: 'up' });
    }
  }, 240_000);
});

/** Polls /health/ready until its body passes the predicate; it must answer 200 all along. */
async function eventually(
  service: ServiceProcess,
  predicate: (body: { status?: string; checks?: Record<string, { status: string }> }) => boolean,
  timeoutMs = 30_000,
): Promise<request.Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await request(service.url).get('/health/ready');
    expect({ service: service.service, status: response.status }).toEqual({
      service: service.service,
      status: 200,
    });
    if (predicate(response.body)) return response;
    if (Date.now() > deadline)
      throw new Error(`${service.service} /health/ready never matched: ${response.text}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
