import { Kafka, Partitioners, Producer } from 'kafkajs';

/**
 * A connected test producer that keeps per-key order and never duplicates: a send retried after a
 * fresh topic's first "not the leader" answer is not written twice.
 */
export async function orderedProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}
