/**
 * Runs the four built services side by side for local development, with the local
 * infrastructure's addresses, waits until each is ready and prints where to find it.
 * Ctrl-C (or SIGTERM) stops them all gracefully.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SERVICE_NAMES, SERVICES, ServiceName } from '../libs/platform/src/services';
import { DEV_JWT_SECRET, signDevelopmentToken } from './token';

const ROOT = resolve(__dirname, '..');
const LOG_DIR = join(ROOT, '.infra/logs');

function devEnvironment(service: ServiceName): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: String(SERVICES[service].port),
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${SERVICES[service].database}`,
    REDIS_URL: 'redis://127.0.0.1:6379',
    KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
    JWT_SECRET: DEV_JWT_SECRET,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'info',
  };
}

async function waitUntilReady(service: ServiceName, child: ChildProcess): Promise<number> {
  const started = Date.now();
  const url = `http://127.0.0.1:${SERVICES[service].port}/health/ready`;
  while (Date.now() - started < 60_000) {
    if (child.exitCode !== null)
      throw new Error(`${service} exited; see ${LOG_DIR}/${service}.log`);
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${service} not ready after 60 s; see ${LOG_DIR}/${service}.log`);
}

async function main(): Promise<void> {
  mkdirSync(LOG_DIR, { recursive: true });
  const children = new Map<ServiceName, ChildProcess>();
  for (const service of SERVICE_NAMES) {
    const log = createWriteStream(join(LOG_DIR, `${service}.log`), { flags: 'a' });
    const child = spawn(process.execPath, [join(ROOT, 'dist/apps', service, 'src/main.js')], {
      env: devEnvironment(service),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    children.set(service, child);
  }

  const stopAll = (signal: NodeJS.Signals) => {
    console.log(`\n${signal}: stopping the services...`);
    for (const child of children.values()) child.kill('SIGTERM');
  };
  process.once('SIGINT', stopAll);
  process.once('SIGTERM', stopAll);
  const allExited = Promise.all(
    [...children.values()].map((child) => new Promise((done) => child.once('exit', done))),
  );

  try {
    const rows = await Promise.all(
      [...children].map(async ([service, child]) => {
        const readyAfterMs = await waitUntilReady(service, child);
        const base = `http://127.0.0.1:${SERVICES[service].port}`;
        return {
          service,
          readyAfterMs,
          docs: `${base}/docs`,
          health: `${base}/health/ready`,
          metrics: `${base}/metrics`,
        };
      }),
    );
    console.table(rows);
    const token = await signDevelopmentToken({ role: 'admin' }, DEV_JWT_SECRET);
    console.log(`Logs in ${LOG_DIR}. A local admin token (12 h) for the API:\n${token}`);
    console.log('Tokens of other roles and scopes: npm run -s token -- --help');
    console.log('Ctrl-C stops the services; "npm run infra:down" stops Kafka.');
  } catch (error) {
    console.error((error as Error).message);
    stopAll('SIGTERM');
    process.exitCode = 1;
  }
  await allExited;
}

void main();
