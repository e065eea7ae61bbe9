import { isIP, connect as connectTcp } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { Logger } from '@nestjs/common';
import { ISocketFactory, Kafka, logCreator, logLevel, Partitioners, Producer } from 'kafkajs';

/**
 * kafkajs logs every failed connection attempt; while a broker is down that is a flood.
 * Its warnings and errors go to the Nest logger, each distinct message at most once a minute.
 */
export function quietLogCreator(context: string): logCreator {
  const logger = new Logger(context);
  const lastSeen = new Map<string, number>();
  return () =>
    ({ level, log }) => {
      if (level > logLevel.WARN) return;
      const text = `${log.message}${log.error ? `: ${String(log.error)}` : ''}`;
      const now = Date.now();
      if ((lastSeen.get(text) ?? 0) > now - 60_000) return;
      lastSeen.set(text, now);
      if (lastSeen.size > 500) lastSeen.clear();
      if (level === logLevel.ERROR) logger.error(text);
      else logger.warn(text);
    };
}

/**
 * kafkajs's own socket factory, with Nagle's algorithm off: requests are small and several share
 * a connection (fetch, heartbeat, commit). Measured here, a single acks=all send: p99 4.8-5.0 ms
 * instead of 6-12 ms.
 */
const socketFactory: ISocketFactory = ({ host, port, ssl, onConnect }) => {
  const socket = ssl
    ? connectTls({ host, port, ...(isIP(host) ? {} : { servername: host }), ...ssl }, onConnect)
    : connectTcp({ host, port }, onConnect);
  socket.setKeepAlive(true, 60_000);
  socket.setNoDelay(true);
  return socket;
};

export function createKafka(
  clientId: string,
  brokers: string[],
  options: { quiet?: boolean } = {},
): Kafka {
  return new Kafka({
    clientId,
    brokers,
    connectionTimeout: 3000,
    requestTimeout: 10_000,
    logLevel: options.quiet ? logLevel.NOTHING : logLevel.WARN,
    logCreator: options.quiet ? undefined : quietLogCreator(`kafka:${clientId}`),
    retry: { initialRetryTime: 200, maxRetryTime: 5000, retries: 8 },
    socketFactory,
  });
}

/**
 * The one producer configuration for events: idempotent with one request in flight, so that
 * retries neither duplicate nor reorder a key's events; never creates a topic by itself.
 */
export async function connectEventProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}
