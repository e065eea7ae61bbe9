import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import {
  createTestDatabase,
  JwksServer,
  mintToken,
  ProviderKey,
  TestDatabase,
  TEST_REDIS_URL,
} from '@tremplin/testing-infrastructure';
import { base64url, exportSPKI, importJWK, SignJWT } from 'jose';
import request from 'supertest';
import { CurrentCaller } from '../../src/auth/auth.guard';
import { Public } from '../../src/auth/public.decorator';
import { Caller, Roles, ROLES } from '../../src/auth/roles';
import { configureService } from '../../src/bootstrap';
import { PlatformModule } from '../../src/platform.module';

jest.setTimeout(60_000);

const ISSUER = 'https://idp.test/realms/ac-toulouse';
const AUDIENCE = 'tremplin';
const CACHE_MAX_AGE_SECONDS = 2;
const COOLDOWN_SECONDS = 1;

@Controller('probe')
class ProbeController {
  @Public()
  @Get('open')
  open(): { ok: true } {
    return { ok: true };
  }

  @Roles(...ROLES)
  @Get('caller')
  whoIsCalling(@CurrentCaller() caller: Caller): Caller {
    return caller;
  }
}

@Module({
  imports: [PlatformModule.forRoot({ service: 'schools' })],
  controllers: [ProbeController],
})
class ProbeModule {}

/** The probe app against a JWKS server, its environment set as a deployment would. */
async function startApp(database: TestDatabase, jwks: JwksServer): Promise<INestApplication> {
  Object.assign(process.env, {
    DATABASE_URL: database.url,
    REDIS_URL: TEST_REDIS_URL,
    LOG_LEVEL: 'silent',
    AUTH_JWKS_URL: jwks.url,
    AUTH_ISSUER: ISSUER,
    AUTH_AUDIENCE: `other-app, ${AUDIENCE}`,
    AUTH_JWKS_CACHE_MAX_AGE_SECONDS: String(CACHE_MAX_AGE_SECONDS),
    AUTH_JWKS_COOLDOWN_SECONDS: String(COOLDOWN_SECONDS),
    AUTH_JWKS_RETRY_MS: '200',
    AUTH_JWKS_TIMEOUT_MS: '1000',
    // Also set, to show that HS256 is refused all the same.
    JWT_SECRET: 'tremplin-test-secret-0123456789',
  });
  const module = await Test.createTestingModule({ imports: [ProbeModule] }).compile();
  const app = configureService(module.createNestApplication({ logger: false }), 'schools');
  await app.init();
  return app;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const now = () => Math.floor(Date.now() / 1000);

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`not true within ${timeoutMs} ms`);
    await sleep(50);
  }
}

describe('bearer tokens from an identity provider (real JWKS endpoint, PostgreSQL, Redis)', () => {
  let database: TestDatabase;
  let jwks: JwksServer;
  let app: INestApplication;
  let rsa: ProviderKey;
  let ec: ProviderKey;
  const claims = () => ({ iss: ISSUER, aud: AUDIENCE, roles: ['office_manager'] });

  const call = (token: string) =>
    request(app.getHttpServer())
      .get('/api/v1/probe/caller')
      .set('authorization', `Bearer ${token}`);

  async function expectRefused(token: string, detail: RegExp, status = 401): Promise<void> {
    const response = await call(token);
    expect({ status: response.status, detail: response.body.detail }).toEqual({
      status,
      detail: expect.stringMatching(detail),
    });
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  }

  beforeAll(async () => {
    database = await createTestDatabase('platform_jwks');
    jwks = await JwksServer.start();
    rsa = await jwks.addKey('RS256');
    ec = await jwks.addKey('ES256');
    app = await startApp(database, jwks);
    await until(
      async () => (await request(app.getHttpServer()).get('/health/ready')).status === 200,
    );
  });

  afterAll(async () => {
    await app?.close();
    await jwks?.stop();
    await database?.drop();
  });

  it('accepts RS256 and ES256 tokens and maps their claims to the caller', async () => {
    const token = await jwks.sign(rsa, {
      ...claims(),
      sub: 'om-1',
      roles: ['office_manager', 'provider_role'],
      academy: '16',
      schools: ['0310001A', '0310002B'],
    });
    const response = await call(token).expect(200);
    expect(response.body).toEqual({
      subject: 'om-1',
      roles: ['office_manager'],
      academy: '16',
      schools: ['0310001A', '0310002B'],
      companies: [],
      students: [],
    });
    await call(await jwks.sign(ec, { ...claims(), roles: 'company', companies: '123456789' }))
      .expect(200)
      .expect(({ body }) =>
        expect(body).toMatchObject({ roles: ['company'], companies: ['123456789'] }),
      );
    // Within the clock tolerance (30 s by default), just expired is still accepted.
    await call(await jwks.sign(rsa, { ...claims(), exp: now() - 10 })).expect(200);
  });

  it('refuses expired, not yet valid, wrong issuer and wrong audience tokens, saying which', async () => {
    await expectRefused(await jwks.sign(rsa, { ...claims(), exp: now() - 120 }), /expired at /);
    await expectRefused(
      await jwks.sign(ec, { ...claims(), nbf: now() + 120 }),
      /not valid yet before /,
    );
    await expectRefused(
      await jwks.sign(rsa, { ...claims(), iss: 'https://evil.test' }),
      /issued by "https:\/\/evil.test", not by the expected issuer/,
    );
    await expectRefused(
      await jwks.sign(rsa, { ...claims(), aud: 'another-service' }),
      /audience "another-service" is not this service's/,
    );
    await expectRefused(
      await new SignJWT({ ...claims() })
        .setProtectedHeader({ alg: 'RS256', kid: rsa.kid })
        .setSubject('x')
        .sign(rsa.privateKey),
      /no "exp" claim/,
    );
  });

  it('refuses alg none, HS256 (even signed with the public key) and bad signatures', async () => {
    const payload = base64url.encode(JSON.stringify({ ...claims(), sub: 'x', exp: now() + 60 }));
    const unsigned = `${base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT' }))}.${payload}.`;
    await expectRefused(unsigned, /unsigned tokens \(alg "none"\) are refused/);

    // Algorithm confusion: the public key's own bytes (PEM, JWK) as the HMAC secret.
    const publicKey = await importJWK(rsa.publicJwk, 'RS256', { extractable: true });
    for (const secret of [
      await exportSPKI(publicKey as Parameters<typeof exportSPKI>[0]),
      JSON.stringify(rsa.publicJwk),
    ]) {
      const confused = await new SignJWT({ ...claims(), sub: 'x' })
        .setProtectedHeader({ alg: 'HS256', kid: rsa.kid })
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(secret));
      await expectRefused(confused, /algorithm "HS256" is not accepted here \(only RS256, ES256\)/);
    }
    // The development secret's tokens, although JWT_SECRET is set.
    await expectRefused(mintToken({ roles: ['admin'] }), /algorithm "HS256" is not accepted/);

    const [header, , signature] = (await jwks.sign(rsa, claims())).split('.');
    const forged = base64url.encode(
      JSON.stringify({ ...claims(), sub: 'x', roles: ['admin'], exp: now() + 60 }),
    );
    await expectRefused(`${header}.${forged}.${signature}`, /the signature does not match/);
    // A token signed with the ES256 key but naming the RSA key's kid.
    const misnamed = (await jwks.sign(ec, claims(), { alg: 'ES256', kid: rsa.kid })).split('.');
    await expectRefused(
      misnamed.join('.'),
      /signing key .* is not in the identity provider's key set|signature/,
    );
  });

  it("refuses a token without a subject, and a service role beside a person's", async () => {
    for (const sub of ['', '  ', 123, null])
      await expectRefused(await jwks.sign(rsa, { ...claims(), sub } as never), /names no subject/);
    await expectRefused(
      await jwks.sign(rsa, { ...claims(), roles: ['teacher', 'service'], academy: '16' }),
      /a "service" token carries no other role/,
    );
    // A token naming two academies is no academy's.
    const twoAcademies = await jwks.sign(rsa, { ...claims(), academy: ['16', '31'] });
    expect((await call(twoAcademies).expect(200)).body.academy).toBeUndefined();
    // What a refusal quotes of the token is cut short.
    const longKid = await jwks.sign(rsa, claims(), { kid: `<script>${'k'.repeat(300)}` });
    const response = await call(longKid).expect(401);
    expect(response.body.detail.length).toBeLessThan(200);
  });

  it('refuses malformed and truncated tokens, and requests without a bearer token', async () => {
    const token = await jwks.sign(rsa, claims());
    await expectRefused('not-a-token', /malformed/);
    await expectRefused('a.b.c', /malformed/);
    await expectRefused(token.slice(0, token.lastIndexOf('.')), /malformed/);
    await expectRefused(token.slice(0, -10), /the signature does not match/);
    await expectRefused(token.slice(0, token.length / 2), /malformed/);
    const bare = await request(app.getHttpServer()).get('/api/v1/probe/caller').expect(401);
    expect(bare.body.detail).toMatch(/bearer token is required/);
    await request(app.getHttpServer()).get('/api/v1/probe/open').expect(200);
  });

  it('accepts a key that appears at the endpoint, and refuses a removed key once the cache ages', async () => {
    await sleep(COOLDOWN_SECONDS * 1000 + 100);
    const rotated = await jwks.addKey('ES256');
    await call(await jwks.sign(rotated, claims())).expect(200);

    const oldToken = await jwks.sign(rsa, claims());
    jwks.removeKey(rsa.kid);
    await call(oldToken).expect(200); // still cached
    await sleep(CACHE_MAX_AGE_SECONDS * 1000 + 200);
    await expectRefused(
      oldToken,
      new RegExp(`signing key \\(kid "${rsa.kid}"\\) is not in the identity provider's key set`),
    );
    await call(await jwks.sign(rotated, claims())).expect(200);
  });

  it('fetches the key set a few times at most for a flood of made-up kids', async () => {
    await sleep(COOLDOWN_SECONDS * 1000 + 100);
    const before = jwks.requests;
    const tokens = await Promise.all(
      Array.from({ length: 200 }, (_, i) => jwks.sign(ec, claims(), { kid: `made-up-${i}` })),
    );
    for (let i = 0; i < tokens.length; i += 20) {
      const responses = await Promise.all(tokens.slice(i, i + 20).map((token) => call(token)));
      for (const response of responses) expect(response.status).toBe(401);
    }
    // One refetch per cooldown (1 s here), whatever the number of kids.
    expect(jwks.requests - before).toBeLessThanOrEqual(3);
    expect(jwks.requests - before).toBeGreaterThanOrEqual(1);
  });

  it('keeps verifying with the keys it has while the endpoint is down', async () => {
    await jwks.stop();
    try {
      await sleep(CACHE_MAX_AGE_SECONDS * 1000 + 200);
      await call(await jwks.sign(ec, claims())).expect(200);
      await request(app.getHttpServer()).get('/health/ready').expect(200);
    } finally {
      await jwks.start();
    }
  });
});

describe('an identity provider unreachable at start-up', () => {
  let database: TestDatabase;
  let jwks: JwksServer;
  let app: INestApplication;

  beforeAll(async () => {
    database = await createTestDatabase('platform_jwks_down');
    jwks = await JwksServer.start();
    await jwks.stop();
  });

  afterAll(async () => {
    await app?.close();
    await jwks?.stop();
    await database?.drop();
  });

  it('is not ready (503) until the key set could be fetched, then ready without a restart', async () => {
    const key = await jwks.addKey('RS256');
    app = await startApp(database, jwks);
    const ready = await request(app.getHttpServer()).get('/health/ready').expect(503);
    expect(ready.body).toMatchObject({
      detail: 'Not ready: jwks down',
      checks: { jwks: { status: 'down' } },
    });
    const token = await jwks.sign(key, { iss: ISSUER, aud: AUDIENCE, roles: ['admin'] });
    const refused = await request(app.getHttpServer())
      .get('/api/v1/probe/caller')
      .set('authorization', `Bearer ${token}`)
      .expect(503);
    expect(refused.body.detail).toBe(
      "The token cannot be checked now: the identity provider's key set is unavailable. Retry later.",
    );

    await jwks.start();
    await until(
      async () => (await request(app.getHttpServer()).get('/health/ready')).status === 200,
    );
    await request(app.getHttpServer())
      .get('/api/v1/probe/caller')
      .set('authorization', `Bearer ${token}`)
      .expect(200);
  });
});
