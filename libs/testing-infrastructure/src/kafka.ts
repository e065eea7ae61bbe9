import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const KAFKA_SCRIPT = resolve(__dirname, '../../../scripts/kafka.sh');

/** The broker that scripts/kafka.sh starts for development and CI. */
export const SHARED_KAFKA_BROKERS = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';

/** A topic prefix of its own per test run (KAFKA_TOPIC_PREFIX), so suites run side by side on one broker. */
export function uniqueTopicPrefix(label = 'test'): string {
  return `t-${label.replace(/[^A-Za-z0-9-]/g, '-')}-${randomBytes(4).toString('hex')}.`;
}

/**
 * A second, private Kafka broker for tests that stop and restart it; the shared broker on
 * 9092 stays untouched for the suites running beside them.
 */
export class ThrowawayBroker {
  readonly brokers: string;
  private readonly env: NodeJS.ProcessEnv;
  private readonly home: string;

  /**
   * `sasl.users`: SCRAM-SHA-512 users (name → password; letters, digits, `_`, `-`) of a broker
   * whose client listener is SASL_PLAINTEXT, with the StandardAuthorizer (nothing is allowed
   * without an ACL); `sasl.superUser` (default `admin`, one of the users) bypasses the ACLs.
   */
  constructor(
    port: number,
    controllerPort: number,
    options: { sasl?: { users: Record<string, string>; superUser?: string } } = {},
  ) {
    this.home = mkdtempSync(join(tmpdir(), 'tremplin-kafka-'));
    this.brokers = `127.0.0.1:${port}`;
    const sasl = options.sasl;
    this.env = {
      ...process.env,
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controllerPort),
      KAFKA_HOME_DIR: this.home,
      ...(sasl
        ? {
            KAFKA_SASL_USERS: Object.entries(sasl.users)
              .map(([name, password]) => `${name}=${password}`)
              .join(','),
            KAFKA_SUPER_USER: sasl.superUser ?? 'admin',
          }
        : { KAFKA_SASL_USERS: '' }),
    };
  }

  start(): Promise<void> {
    return this.kafka('start');
  }

  stop(): Promise<void> {
    return this.kafka('stop');
  }

  /** Stops the broker and deletes its data. */
  async destroy(): Promise<void> {
    await this.stop();
    rmSync(this.home, { recursive: true, force: true });
  }

  private async kafka(command: 'start' | 'stop'): Promise<void> {
    await run('bash', [KAFKA_SCRIPT, command], { env: this.env, timeout: 180_000 });
  }
}
