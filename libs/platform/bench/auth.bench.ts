/**
 * Benchmark: what a bearer token costs per request in the service kit. One process, one run:
 * the kit (PlatformModule.forRoot + configureService, a throwaway database, Redis) with a probe
 * controller, listening on 127.0.0.1, and real HTTP requests (node:http, keep-alive) to a
 * @Public() route (the reference) and to a @Roles() route with an RS256 or ES256 token verified
 * against a real JWKS server (keys cached), and with an HS256 development-secret token (a second
 * app, JWT_SECRET only: the environment is read when an app is created). Scenarios are
 * interleaved in rounds to spread the machine's noise; figures are ratios against the public
 * route measured in the same rounds. Also TokenVerifier.verify() alone, without HTTP, and the
 * rate limit's Redis round trip that every guarded request makes too. Prints figures; not a test.
 *
 *   npx nx run platform:bench
 *   npx nx run platform:bench --args="--requests=5000 --concurrency=8 --batch=100"
 *   node -r @swc-node/register libs/platform/bench/auth.bench.ts --requests=1000
 */
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, INestApplication } from '@nestjs/common';
import {
  createTestDatabase,
  JwksServer,
  mintToken,
  TestDatabase,
  TEST_JWT_ISSUER,
  TEST_JWT_SECRET,
} from '@tremplin/testing-infrastructure';
import { Public } from '../src/auth/public.decorator';
import { Roles, ROLES } from '../src/auth/roles';
import { TokenVerifier } from '../src/auth/token-verifier';
import { RedisClient } from '../src/redis/redis.module';
import { startKitApp } from '../test/support/kit-app';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a) => a.replace(/^--/, '').split('='))
    .map(([k, v]) => [k, v ?? 'true']),
);
/** Measured requests per scenario, in each of the two phases (sequential, concurrent). */
const REQUESTS = Number(args.requests ?? 2000);
/** Requests per scenario per round; rounds alternate the scenarios. */
const BATCH = Math.max(1, Math.min(REQUESTS, Number(args.batch ?? 100)));
const CONCURRENCY = Number(args.concurrency ?? 8);
const WARMUP = Number(args.warmup ?? 300);
const VERIFY_CALLS = Number(args['verify-calls'] ?? 3000);
/** High enough that the per-caller limit never answers 429 during the bench. */
const RATE_LIMIT = 1_000_000_000;

const ISSUER = 'https://idp.bench/realms/ac-toulouse';
const AUDIENCE = 'tremplin';
const SUBJECT = `bench-${randomUUID()}`;
const BODY = { ok: true } as const;

@Controller('probe')
class ProbeController {
  @Public()
  @Get('open')
  open(): typeof BODY {
    return BODY;
  }

  @Roles(...ROLES)
  @Get('guarded')
  guarded(): typeof BODY {
    return BODY;
  }
}

interface Target {
  port: number;
  path: string;
  token?: string;
}

interface Scenario {
  name: string;
  target: Target;
  /** The name of the scenario whose figures are this one's reference (its own app's public route). */
  reference: string;
}

/** One GET on a keep-alive connection; resolves with the latency in ms once the body is read. */
function get(agent: Agent, target: Target): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port: target.port,
        path: target.path,
        agent,
        headers: target.token ? { authorization: `Bearer ${target.token}` } : {},
      },
      (res) => {
        const status = res.statusCode;
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const elapsed = performance.now() - started;
          if (status !== 200) {
            reject(
              new Error(`${target.path} answered ${status}: ${Buffer.concat(chunks).toString()}`),
            );
          } else resolve(elapsed);
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** `count` requests with `concurrency` in flight; latencies and the wall time of the batch. */
async function batch(
  agent: Agent,
  target: Target,
  count: number,
  concurrency: number,
): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        next += 1;
        latencies.push(await get(agent, target));
      }
    }),
  );
  return { latencies, wallMs: performance.now() - started };
}

/** A value the bench has just put there (a Map entry): its absence is a bug of the bench. */
function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('bench: missing entry');
  return value;
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];

interface Figures {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  mean: number;
}

function figures(samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    mean: sorted.reduce((sum, x) => sum + x, 0) / sorted.length,
  };
}

/**
 * Every scenario, `requests` each, in rounds of `BATCH` per scenario; the order of the scenarios
 * rotates from round to round so that none always follows the same one.
 */
async function phase(
  scenarios: Scenario[],
  concurrency: number,
  requests: number,
): Promise<Map<string, { latencies: number[]; wallMs: number }>> {
  const agents = new Map(
    scenarios.map((s) => [s.name, new Agent({ keepAlive: true, maxSockets: concurrency })]),
  );
  const results = new Map(scenarios.map((s) => [s.name, { latencies: [] as number[], wallMs: 0 }]));
  try {
    // Warm-up: connections open, JIT warm, key sets cached; not measured.
    for (const s of scenarios) {
      await batch(must(agents.get(s.name)), s.target, Math.max(concurrency, WARMUP), concurrency);
    }
    const rounds = Math.ceil(requests / BATCH);
    for (let round = 0; round < rounds; round += 1) {
      const count = Math.min(BATCH, requests - round * BATCH);
      for (let i = 0; i < scenarios.length; i += 1) {
        const s = scenarios[(round + i) % scenarios.length];
        const r = await batch(must(agents.get(s.name)), s.target, count, concurrency);
        const into = must(results.get(s.name));
        into.latencies.push(...r.latencies);
        into.wallMs += r.wallMs;
      }
    }
  } finally {
    for (const agent of agents.values()) agent.destroy();
  }
  return results;
}

const ms = (x: number) => x.toFixed(3);
const us = (x: number) => (x * 1000).toFixed(0);
const times = (x: number) => `${x.toFixed(2)}×`;

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ')} |`;
  console.log(line(header));
  console.log(
    `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : '-'.repeat(w - 1) + ':')).join(' | ')} |`,
  );
  for (const row of rows) console.log(line(row));
}

function report(
  title: string,
  scenarios: Scenario[],
  results: Map<string, { latencies: number[]; wallMs: number }>,
  withThroughput: boolean,
): void {
  console.log(`\n== ${title} ==`);
  const f = new Map([...results].map(([name, r]) => [name, figures(r.latencies)]));
  const rate = (name: string) => {
    const r = must(results.get(name));
    return (r.latencies.length / r.wallMs) * 1000;
  };
  const rows = scenarios.map((s) => {
    const own = must(f.get(s.name));
    const ref = must(f.get(s.reference));
    const isRef = s.reference === s.name;
    const row = [
      s.name,
      String(own.count),
      ms(own.p50),
      ms(own.p90),
      ms(own.p99),
      isRef ? 'ref' : times(own.p50 / ref.p50),
      isRef ? 'ref' : times(own.p99 / ref.p99),
      isRef ? '—' : `+${us(own.p50 - ref.p50)}`,
    ];
    if (withThroughput) {
      row.push(rate(s.name).toFixed(0), isRef ? 'ref' : times(rate(s.name) / rate(s.reference)));
    }
    return row;
  });
  printTable(
    [
      'scenario',
      'requests',
      'p50 ms',
      'p90 ms',
      'p99 ms',
      'p50 × public',
      'p99 × public',
      'added p50 µs',
      ...(withThroughput ? ['req/s', 'req/s × public'] : []),
    ],
    rows,
  );
}

/** Calls of `work`, in rounds alternating the entries, timed one by one (µs). */
async function inProcess(
  entries: { name: string; work: () => Promise<unknown> }[],
  calls: number,
): Promise<Map<string, number[]>> {
  const samples = new Map(entries.map((e) => [e.name, [] as number[]]));
  for (const e of entries) for (let i = 0; i < Math.min(500, calls); i += 1) await e.work();
  const rounds = Math.ceil(calls / BATCH);
  for (let round = 0; round < rounds; round += 1) {
    const count = Math.min(BATCH, calls - round * BATCH);
    for (let i = 0; i < entries.length; i += 1) {
      const e = entries[(round + i) % entries.length];
      const into = must(samples.get(e.name));
      for (let n = 0; n < count; n += 1) {
        const started = performance.now();
        await e.work();
        into.push((performance.now() - started) * 1000);
      }
    }
  }
  return samples;
}

async function listen(app: INestApplication): Promise<number> {
  await app.listen(0, '127.0.0.1');
  return (app.getHttpServer().address() as AddressInfo).port;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function main(): Promise<void> {
  const started = performance.now();
  let database: TestDatabase | undefined;
  let jwks: JwksServer | undefined;
  const apps: INestApplication[] = [];
  try {
    database = await createTestDatabase('platform_auth_bench');
    jwks = await JwksServer.start();
    const rsa = await jwks.addKey('RS256');
    const ec = await jwks.addKey('ES256');

    const common = { LOG_LEVEL: 'silent', RATE_LIMIT_PER_MINUTE: String(RATE_LIMIT) };
    // The provider's app: AUTH_JWKS_URL, RS256 and ES256 (JWT_SECRET unset).
    delete process.env.JWT_SECRET;
    const provider = await startKitApp({
      databaseUrl: database.url,
      controllers: [ProbeController],
      env: {
        ...common,
        AUTH_JWKS_URL: jwks.url,
        AUTH_ISSUER: ISSUER,
        AUTH_AUDIENCE: AUDIENCE,
      },
    });
    apps.push(provider);
    // startKitApp sets the test secret; the provider app has been created, so unset the JWKS.
    for (const name of ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE']) delete process.env[name];
    const development = await startKitApp({
      databaseUrl: database.url,
      controllers: [ProbeController],
      env: { ...common, JWT_SECRET: TEST_JWT_SECRET, JWT_ISSUER: TEST_JWT_ISSUER },
    });
    apps.push(development);
    const providerPort = await listen(provider);
    const developmentPort = await listen(development);
    await until(async () => (await fetch(`http://127.0.0.1:${providerPort}/health/ready`)).ok);
    const jwksFetchesAtStart = jwks.requests;

    const claims = { sub: SUBJECT, iss: ISSUER, aud: AUDIENCE, roles: ['office_manager'] };
    const rsToken = await jwks.sign(rsa, claims);
    const esToken = await jwks.sign(ec, claims);
    const hsToken = mintToken({ sub: SUBJECT, roles: ['office_manager'] });

    const open = '/api/v1/probe/open';
    const guarded = '/api/v1/probe/guarded';
    const scenarios: Scenario[] = [
      { name: 'public, no token', target: { port: providerPort, path: open }, reference: '' },
      {
        name: 'guarded, RS256 (JWKS)',
        target: { port: providerPort, path: guarded, token: rsToken },
        reference: 'public, no token',
      },
      {
        name: 'guarded, ES256 (JWKS)',
        target: { port: providerPort, path: guarded, token: esToken },
        reference: 'public, no token',
      },
      {
        name: 'public, no token (HS256 app)',
        target: { port: developmentPort, path: open },
        reference: '',
      },
      {
        name: 'guarded, HS256 (JWT_SECRET)',
        target: { port: developmentPort, path: guarded, token: hsToken },
        reference: 'public, no token (HS256 app)',
      },
    ];
    for (const s of scenarios) s.reference ||= s.name;

    console.log(
      `auth bench: ${REQUESTS} requests per scenario per phase, rounds of ${BATCH}, warm-up ${WARMUP}; ` +
        `RATE_LIMIT_PER_MINUTE=${RATE_LIMIT} for the bench (the default 600 would answer 429); ` +
        `LOG_LEVEL=silent; client and server share this process's event loop.`,
    );
    console.log(
      'Guarded requests also pass the rate limit (one Redis MULTI INCR+EXPIRE) and the work context; ' +
        'the public route skips both, so "added" = token verification + role check + rate limit + work context.',
    );

    const sequential = await phase(scenarios, 1, REQUESTS);
    report(
      `sequential HTTP (1 request in flight), ${REQUESTS} per scenario in ${Math.ceil(REQUESTS / BATCH)} rounds`,
      scenarios,
      sequential,
      false,
    );
    if (CONCURRENCY > 1) {
      const concurrent = await phase(scenarios, CONCURRENCY, REQUESTS);
      report(
        `concurrent HTTP (${CONCURRENCY} in flight), ${REQUESTS} per scenario`,
        scenarios,
        concurrent,
        true,
      );
    }

    const providerVerifier = provider.get(TokenVerifier);
    const developmentVerifier = development.get(TokenVerifier);
    const redis = provider.get(RedisClient);
    const key = `bench:ratelimit:${SUBJECT}`;
    const verifyEntries = [
      { name: 'verify RS256 (JWKS, cached)', work: () => providerVerifier.verify(rsToken) },
      { name: 'verify ES256 (JWKS, cached)', work: () => providerVerifier.verify(esToken) },
      { name: 'verify HS256 (JWT_SECRET)', work: () => developmentVerifier.verify(hsToken) },
      {
        name: 'rate limit Redis MULTI INCR+EXPIRE',
        work: () => redis.multi().incr(key).expire(key, 120).exec(),
      },
    ];
    const inProcessSamples = await inProcess(verifyEntries, VERIFY_CALLS);
    await redis.del(key);
    console.log(`\n== in process, no HTTP: ${VERIFY_CALLS} calls each, µs per call ==`);
    printTable(
      ['call', 'calls', 'p50 µs', 'p90 µs', 'p99 µs', 'mean µs'],
      verifyEntries.map((e) => {
        const f = figures(must(inProcessSamples.get(e.name)));
        const u = (x: number) => x.toFixed(1);
        return [e.name, String(f.count), u(f.p50), u(f.p90), u(f.p99), u(f.mean)];
      }),
    );
    console.log(
      `\nJWKS fetches: ${jwksFetchesAtStart} at start-up, ${jwks.requests - jwksFetchesAtStart} during the bench (keys cached); ` +
        `run time ${((performance.now() - started) / 1000).toFixed(1)} s.`,
    );
  } finally {
    for (const app of apps) await app.close();
    await jwks?.stop();
    await database?.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exitCode = 1;
});
