import { accessSync, constants } from 'node:fs';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';

export const KAFKA_SECURITY_PROTOCOLS = ['plaintext', 'ssl', 'sasl_plaintext', 'sasl_ssl'] as const;
export type KafkaSecurityProtocol = (typeof KAFKA_SECURITY_PROTOCOLS)[number];
export const KAFKA_SASL_MECHANISMS = ['scram-sha-512', 'scram-sha-256', 'plain'] as const;
export type KafkaSaslMechanism = (typeof KAFKA_SASL_MECHANISMS)[number];

const usesSasl = (env: MessagingEnv) => env.KAFKA_SECURITY_PROTOCOL?.startsWith('sasl_') ?? false;
const usesTls = (env: MessagingEnv) =>
  env.KAFKA_SECURITY_PROTOCOL === 'ssl' || env.KAFKA_SECURITY_PROTOCOL === 'sasl_ssl';

/** The variables that only a SASL protocol, or only a TLS one, reads. */
const SASL_VARIABLES = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'];
const TLS_VARIABLES = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'];

/**
 * On KAFKA_SECURITY_PROTOCOL: no variable is set that the protocol would ignore (a password set
 * with plaintext is a deployment mistake, not a detail). Reported on the protocol, so that the
 * message never shows a secret's value.
 */
function NothingIgnored(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'nothingIgnored',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (_value: unknown, args: ValidationArguments) =>
          ignoredVariables(args.object as MessagingEnv).length === 0,
        defaultMessage: (args: ValidationArguments) => {
          const env = args.object as MessagingEnv;
          return `KAFKA_SECURITY_PROTOCOL ${env.KAFKA_SECURITY_PROTOCOL} does not use ${ignoredVariables(env).join(', ')}: unset them or choose a protocol that does (ssl, sasl_ssl, sasl_plaintext)`;
        },
      },
    });
}

function ignoredVariables(env: MessagingEnv): string[] {
  const record = env as unknown as Record<string, unknown>;
  const set = (name: string) => record[name] !== undefined;
  return [
    ...(usesSasl(env) ? [] : SASL_VARIABLES.filter(set)),
    ...(usesTls(env) ? [] : TLS_VARIABLES.filter(set)),
  ];
}

const clientCertificate = (env: MessagingEnv) =>
  usesTls(env) && (env.KAFKA_SSL_CERT_FILE !== undefined || env.KAFKA_SSL_KEY_FILE !== undefined);

/**
 * A file the process can read (certificates and keys are read once, at start-up); `pairedWith`:
 * the variable that needs this one.
 */
function IsReadableFile(pairedWith?: string): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isReadableFile',
      target: target.constructor,
      propertyName: propertyName as string,
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string' || value === '') return false;
          try {
            accessSync(value, constants.R_OK);
            return true;
          } catch {
            return false;
          }
        },
        defaultMessage: (args: ValidationArguments) =>
          args.value === undefined && pairedWith
            ? `${args.property} is required when ${pairedWith} is set`
            : `${args.property} must name a readable file`,
      },
    });
}

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

  /**
   * A consumer out of its group longer than this, while the broker answers, makes the process
   * exit so that Kubernetes restarts it (5 minutes by default).
   */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  KAFKA_CONSUMER_MAX_OUT_OF_GROUP_MS = 300_000;

  /**
   * How the service talks to the brokers: `plaintext` (development), `ssl` (TLS; with a client
   * certificate, mTLS is the identity), `sasl_ssl` (TLS and a SASL identity: production),
   * `sasl_plaintext` (SASL without TLS: local test brokers only).
   */
  @IsOptional()
  @IsIn(KAFKA_SECURITY_PROTOCOLS, {
    message: `KAFKA_SECURITY_PROTOCOL must be one of ${KAFKA_SECURITY_PROTOCOLS.join(', ')}`,
  })
  @NothingIgnored()
  KAFKA_SECURITY_PROTOCOL: KafkaSecurityProtocol = 'plaintext';

  /** Required with a sasl_* protocol. */
  @ValidateIf(usesSasl)
  @IsIn(KAFKA_SASL_MECHANISMS, {
    message: `KAFKA_SASL_MECHANISM must be one of ${KAFKA_SASL_MECHANISMS.join(', ')} with a sasl_* KAFKA_SECURITY_PROTOCOL`,
  })
  KAFKA_SASL_MECHANISM?: KafkaSaslMechanism;

  /** The service's own identity (one user per service); required with a sasl_* protocol. */
  @ValidateIf(usesSasl)
  @IsString({ message: 'KAFKA_SASL_USERNAME is required with a sasl_* KAFKA_SECURITY_PROTOCOL' })
  @IsNotEmpty({ message: 'KAFKA_SASL_USERNAME is required with a sasl_* KAFKA_SECURITY_PROTOCOL' })
  KAFKA_SASL_USERNAME?: string;

  /**
   * Required with a sasl_* protocol (on Kubernetes: the `password` key of the Secret that
   * Strimzi makes for the service's KafkaUser). Never shown in an error: only its absence is.
   */
  @ValidateIf(usesSasl)
  @IsNotEmpty({ message: 'KAFKA_SASL_PASSWORD is required with a sasl_* KAFKA_SECURITY_PROTOCOL' })
  KAFKA_SASL_PASSWORD?: string;

  /** PEM file of the CA that signed the brokers' certificates (default: the system's CAs). */
  @ValidateIf((env: MessagingEnv) => usesTls(env) && env.KAFKA_SSL_CA_FILE !== undefined)
  @IsReadableFile()
  KAFKA_SSL_CA_FILE?: string;

  /** PEM client certificate for mTLS (its subject is then the identity); needs KAFKA_SSL_KEY_FILE. */
  @ValidateIf(clientCertificate)
  @IsReadableFile('KAFKA_SSL_KEY_FILE')
  KAFKA_SSL_CERT_FILE?: string;

  /** PEM private key of KAFKA_SSL_CERT_FILE (unencrypted). */
  @ValidateIf(clientCertificate)
  @IsReadableFile('KAFKA_SSL_CERT_FILE')
  KAFKA_SSL_KEY_FILE?: string;
}

/** Delay before each retry tier of a consumer (1 s, 10 s, 60 s); after the last, the dead-letter topic. */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1000, 10_000, 60_000];

export function brokerList(env: Pick<MessagingEnv, 'KAFKA_BROKERS'>): string[] {
  return env.KAFKA_BROKERS.split(',').map((broker) => broker.trim());
}
