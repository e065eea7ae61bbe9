import { Type } from 'class-transformer';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** Environment read by the messaging library (validated at start-up by platform's loadConfig). */
export class MessagingEnv {
  /** Comma-separated host:port list, e.g. 127.0.0.1:9092 */
  @IsString()
  @IsNotEmpty()
  @Matches(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, {
    message: 'KAFKA_BROKERS must be a comma-separated list of host:port',
  })
  KAFKA_BROKERS: string;

  /** Prepended to every topic name (per-run isolation in tests, per-environment names). */
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]*$/, {
    message: 'KAFKA_TOPIC_PREFIX may hold only letters, digits, ".", "_" and "-"',
  })
  KAFKA_TOPIC_PREFIX = '';

  /** Partitions of the topics this service creates at start-up. */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(256)
  KAFKA_TOPIC_PARTITIONS = 6;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5)
  KAFKA_REPLICATION_FACTOR = 1;
}

/** Delay before each retry tier of a consumer (1 s, 10 s, 60 s); after the last, the dead-letter topic. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 10_000, 60_000];

export function brokerList(env: Pick<MessagingEnv, 'KAFKA_BROKERS'>): string[] {
  return env.KAFKA_BROKERS.split(',').map((broker) => broker.trim());
}
