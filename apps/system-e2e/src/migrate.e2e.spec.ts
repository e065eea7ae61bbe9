import { SERVICE_NAMES } from '@tremplin/platform';
import {
  createTestDatabase,
  freePort,
  ServiceProcess,
  serviceEnv,
} from '@tremplin/testing-infrastructure';

/** `main.js migrate` is what the Kubernetes migration Job runs before a rollout. */
describe.each(SERVICE_NAMES)('%s main.js migrate', (service) => {
  it('applies the pending migrations once, then none, and exits 0', async () => {
    const database = await createTestDatabase(`migrate_${service}`);
    try {
      const env = serviceEnv({ databaseUrl: database.url });
      const first = await new ServiceProcess(service, await freePort(), env, ['migrate']).exited;
      expect(first.code).toBe(0);
      expect(first.output).toMatch(/[1-9]\d* migration\(s\) applied/);
      const second = await new ServiceProcess(service, await freePort(), env, ['migrate']).exited;
      expect(second.code).toBe(0);
      expect(second.output).toContain('0 migration(s) applied');
    } finally {
      await database.drop();
    }
  });
});
