import {
  createTestDatabase,
  freePort,
  ServiceProcess,
  serviceEnv,
  TestDatabase,
} from '@tremplin/testing-infrastructure';

/** A service started with a bad environment must stop at once and name the culprit. */
describe('start-up with an invalid environment', () => {
  let database: TestDatabase;
  let validEnv: Record<string, string>;

  beforeAll(async () => {
    database = await createTestDatabase('config');
    validEnv = serviceEnv({ databaseUrl: database.url });
  });

  afterAll(() => database?.drop());

  async function startWith(env: Record<string, string>) {
    const service = new ServiceProcess('schools', await freePort(), env);
    const timer = setTimeout(() => void service.stop(), 20_000);
    const exit = await service.exited;
    clearTimeout(timer);
    return exit;
  }

  it.each([
    ['DATABASE_URL', undefined, /DATABASE_URL: .*missing/],
    ['REDIS_URL', undefined, /REDIS_URL: .*missing/],
    ['JWT_SECRET', 'short', /JWT_SECRET: JWT_SECRET must be at least 16 characters/],
    ['PORT', 'not-a-port', /PORT: .*integer/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: .*one of/],
    ['KAFKA_BROKERS', undefined, /KAFKA_BROKERS/],
    ['JWT_SECRET', undefined, /JWT_SECRET is required when AUTH_JWKS_URL is not set/],
    ['AUTH_JWKS_URL', 'not a url', /AUTH_JWKS_URL: .*URL/],
    // A provider's key set alone: which issuer and audience to expect cannot be guessed.
    [
      'AUTH_JWKS_URL',
      'https://sso.example.fr/certs',
      /AUTH_ISSUER is required when AUTH_JWKS_URL is set[\s\S]*AUTH_AUDIENCE is required/,
    ],
  ])('exits with code 1 naming %s when it is %s', async (name, value, message) => {
    const env = { ...validEnv };
    if (value === undefined) delete env[name];
    else env[name] = value;
    const exit = await startWith(env);
    expect(exit.code).toBe(1);
    expect(exit.output).toMatch(message);
    expect(exit.output).not.toMatch(/\n\s+at /); // a clear message, not a stack trace
  });
});
