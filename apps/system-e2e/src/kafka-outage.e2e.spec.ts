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
 * Readiness follows Kafka: down while the broker is, back by itself when it returns, and
 * liveness never moves (a broker outage must not make Kubernetes restart the pods).
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

  it('reports 503 naming kafka on /health/ready, 200 on /health/live, then recovers', async () => {
    await broker.stop();
    for (const service of services) {
      await service.waitFor('/health/ready', 503, 30_000);
      const ready = await request(service.url).get('/health/ready').expect(503);
      expect(ready.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(ready.body.detail).toBe('Not ready: kafka down');
      expect(ready.body.checks.kafka.status).toBe('down');
      expect(ready.body.checks.database).toEqual({ status: 'up' });
      await request(service.url).get('/health/live').expect(200);
    }

    await broker.start();
    for (const service of services) await service.waitFor('/health/ready', 200, 60_000);
  }, 240_000);
});
