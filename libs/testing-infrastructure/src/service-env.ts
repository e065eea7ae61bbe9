import { SHARED_KAFKA_BROKERS } from './kafka';
import { TEST_JWT_ISSUER, TEST_JWT_SECRET } from './token';

export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The environment a service needs, pointed at a test's own database and topics. */
export function serviceEnv(options: {
  databaseUrl: string;
  kafkaBrokers?: string;
  topicPrefix?: string;
}): Record<string, string> {
  return {
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    KAFKA_BROKERS: options.kafkaBrokers ?? SHARED_KAFKA_BROKERS,
    KAFKA_TOPIC_PREFIX: options.topicPrefix ?? '',
    JWT_SECRET: TEST_JWT_SECRET,
    JWT_ISSUER: TEST_JWT_ISSUER,
    LOG_LEVEL: 'warn',
  };
}
