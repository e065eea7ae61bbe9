import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@tremplin/platform';
import { MessagingEnv } from '../config';
import { kafkaSecurity } from './client';

const BROKERS = { KAFKA_BROKERS: '127.0.0.1:9092' };
const dir = mkdtempSync(join(tmpdir(), 'kafka-security-'));
const pem = (name: string) => {
  const path = join(dir, name);
  writeFileSync(path, `-----BEGIN ${name}-----\n-----END ${name}-----\n`);
  return path;
};
const ca = pem('ca.crt');
const cert = pem('client.crt');
const key = pem('client.key');

const problems = (env: Record<string, string>): string => {
  try {
    loadConfig(MessagingEnv, { ...BROKERS, ...env });
    return '';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('Kafka security settings (KAFKA_SECURITY_PROTOCOL and friends)', () => {
  it('defaults to plaintext with nothing else to set', () => {
    const env = loadConfig(MessagingEnv, BROKERS);
    expect(env.KAFKA_SECURITY_PROTOCOL).toBe('plaintext');
    expect(kafkaSecurity(env)).toEqual({});
  });

  it('builds SCRAM-SHA-512 over TLS with the CA, the service user and its password', () => {
    const env = loadConfig(MessagingEnv, {
      ...BROKERS,
      KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'companies',
      KAFKA_SASL_PASSWORD: 's3cret',
      KAFKA_SSL_CA_FILE: ca,
    });
    expect(kafkaSecurity(env)).toEqual({
      ssl: { ca: [expect.stringContaining('BEGIN ca.crt')] },
      sasl: { mechanism: 'scram-sha-512', username: 'companies', password: 's3cret' },
    });
  });

  it('builds mTLS from a client certificate and key', () => {
    const env = loadConfig(MessagingEnv, {
      ...BROKERS,
      KAFKA_SECURITY_PROTOCOL: 'ssl',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SSL_CERT_FILE: cert,
      KAFKA_SSL_KEY_FILE: key,
    });
    const security = kafkaSecurity(env);
    expect(security.sasl).toBeUndefined();
    expect(security.ssl).toMatchObject({
      cert: expect.stringContaining('client.crt'),
      key: expect.stringContaining('client.key'),
    });
    // TLS with the system's CAs only.
    expect(
      kafkaSecurity(loadConfig(MessagingEnv, { ...BROKERS, KAFKA_SECURITY_PROTOCOL: 'ssl' })),
    ).toEqual({ ssl: true });
  });

  it('stops on an unknown protocol or mechanism, naming the variable', () => {
    expect(problems({ KAFKA_SECURITY_PROTOCOL: 'tls' })).toMatch(
      /KAFKA_SECURITY_PROTOCOL: .*one of/,
    );
    expect(
      problems({
        KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
        KAFKA_SASL_MECHANISM: 'gssapi',
        KAFKA_SASL_USERNAME: 'companies',
        KAFKA_SASL_PASSWORD: 'x',
      }),
    ).toMatch(/KAFKA_SASL_MECHANISM: .*one of scram-sha-512/);
  });

  it('stops on a SASL protocol missing its mechanism, user or password, naming each', () => {
    const message = problems({ KAFKA_SECURITY_PROTOCOL: 'sasl_ssl' });
    expect(message).toMatch(/KAFKA_SASL_MECHANISM: .*\(missing\)/);
    expect(message).toMatch(/KAFKA_SASL_USERNAME: .*required.*\(missing\)/);
    expect(message).toMatch(/KAFKA_SASL_PASSWORD: .*required.*\(missing\)/);
  });

  it('stops on half a client certificate, or a file it cannot read', () => {
    expect(problems({ KAFKA_SECURITY_PROTOCOL: 'ssl', KAFKA_SSL_CERT_FILE: cert })).toMatch(
      /KAFKA_SSL_KEY_FILE: KAFKA_SSL_KEY_FILE is required when KAFKA_SSL_CERT_FILE is set/,
    );
    expect(
      problems({ KAFKA_SECURITY_PROTOCOL: 'ssl', KAFKA_SSL_CA_FILE: join(dir, 'nope') }),
    ).toMatch(/KAFKA_SSL_CA_FILE: .*readable file/);
  });

  it('stops on a setting the protocol would ignore, without showing a secret', () => {
    const message = problems({ KAFKA_SASL_PASSWORD: 'do-not-print-me', KAFKA_SSL_CA_FILE: ca });
    expect(message).toMatch(
      /KAFKA_SECURITY_PROTOCOL: KAFKA_SECURITY_PROTOCOL plaintext does not use KAFKA_SASL_PASSWORD, KAFKA_SSL_CA_FILE/,
    );
    expect(message).not.toContain('do-not-print-me');
    expect(problems({ KAFKA_SECURITY_PROTOCOL: 'ssl', KAFKA_SASL_USERNAME: 'companies' })).toMatch(
      /ssl does not use KAFKA_SASL_USERNAME/,
    );
  });
});
