import { Body, Controller, Post } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { mintToken } from '@tremplin/testing-infrastructure';
import request from 'supertest';
import { Public } from '../../src/auth/public.decorator';
import { startKitApp } from '../support/kit-app';
import { createKitDatabase } from '../support/kit-database';

jest.setTimeout(60_000);

@Public()
@Controller('echo')
class EchoController {
  @Post()
  echo(@Body() body: unknown): unknown {
    return body;
  }
}

const PROBLEM = /^application\/problem\+json/;
const token = (roles: string[]) => mintToken({ roles });

describe('the HTTP front door of every service (configureService)', () => {
  let database: Awaited<ReturnType<typeof createKitDatabase>>;
  let app: INestApplication | undefined;
  const start = async (env: Record<string, string> = {}) => {
    app = await startKitApp({ databaseUrl: database.url, controllers: [EchoController], env });
    return request(app.getHttpServer());
  };

  beforeAll(async () => {
    database = await createKitDatabase('http_hardening');
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('sends security headers, and a CSP the /docs page loads under (its scripts are files)', async () => {
    const http = await start();
    const live = await http.get('/health/live').expect(200);
    expect(live.headers['x-powered-by']).toBeUndefined();
    expect(live.headers['x-content-type-options']).toBe('nosniff');
    const csp = live.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const docs = await http.get('/docs').redirects(1).expect(200);
    expect(docs.text).not.toMatch(/<script>(?!\s*<\/script>)/);
    for (const [, src] of docs.text.matchAll(/<script src="([^"]+)"/g))
      await http.get(new URL(src, 'http://x/docs').pathname).expect(200);
    await http.get('/docs-json').expect(200);
  });

  it('answers a body over HTTP_BODY_LIMIT with 413, bad JSON with 400, both problem+json', async () => {
    const http = await start({ HTTP_BODY_LIMIT: '1kb' });
    await http
      .post('/api/v1/echo')
      .send({ text: 'x'.repeat(500) })
      .expect(201);
    const large = await http
      .post('/api/v1/echo')
      .send({ text: 'x'.repeat(2000) })
      .expect(413);
    expect(large.headers['content-type']).toMatch(PROBLEM);
    const bad = await http
      .post('/api/v1/echo')
      .set('content-type', 'application/json')
      .send('{"email": leak@example.test')
      .expect(400);
    expect(bad.headers['content-type']).toMatch(PROBLEM);
    expect(bad.body.detail).toBe('The request body is not valid JSON');
  });

  it('sends no CORS headers by default, and only to a configured origin', async () => {
    let http = await start();
    let response = await http.get('/health/live').set('Origin', 'https://console.example.fr');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    await app?.close();
    http = await start({ CORS_ORIGINS: 'https://console.example.fr' });
    response = await http.get('/health/live').set('Origin', 'https://console.example.fr');
    expect(response.headers['access-control-allow-origin']).toBe('https://console.example.fr');
    response = await http.get('/health/live').set('Origin', 'https://evil.example');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('closes /metrics to all but admins and services with METRICS_ACCESS=admin', async () => {
    let http = await start();
    await http.get('/metrics').expect(200);
    await app?.close();
    http = await start({ METRICS_ACCESS: 'admin' });
    await http.get('/metrics').expect(401);
    await http
      .get('/metrics')
      .set('Authorization', `Bearer ${token(['office_manager'])}`)
      .expect(403);
    await http
      .get('/metrics')
      .set('Authorization', `Bearer ${token(['service'])}`)
      .expect(200);
  });

  it('serves no /docs with DOCS_ENABLED=false', async () => {
    const http = await start({ DOCS_ENABLED: 'false' });
    await http.get('/docs').expect(404);
    await http.get('/docs-json').expect(404);
  });
});
