// Benchmark of the messaging library on the real broker and database (prints figures; not a test).
//   npx nx run messaging:bench            (KAFKA_BROKERS, POSTGRES_ADMIN_URL, BENCH_EVENTS optional;
//                                          BENCH_ONLY=latency runs phase 3 alone)
// 1. outbox relay throughput, 2. consumer throughput (one PostgreSQL insert + inbox per event),
// 3. end-to-end latency commit -> handler at a steady 500 events/s, 4. raw kafkajs produce and
// consume throughput on the same broker, as the reference for the ratios.
import { ChildProcess } from 'node:child_process';
import { toKafkaRecord, TOPICS } from '@tremplin/contracts';
import { Logger } from '@nestjs/common';
import { Partitioners } from 'kafkajs';
import { Registry } from 'prom-client';
import {
  createKafka,
  deadLetterTopic,
  MessagingMetrics,
  Outbox,
  OutboxRelay,
  retryTopic,
} from '../src';
import { filled } from '../test/events';
import {
  BROKERS,
  createDatabase,
  createTopics,
  sleep,
  spawnConsumerProcess,
  TestDatabase,
  testKafka,
  uniquePrefix,
  unsentRows,
} from '../test/support';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const LATENCY_ONLY = process.env.BENCH_ONLY === 'latency';
const PARTITIONS = 6;
const brokers = BROKERS.split(',');

async function until(condition: () => Promise<boolean>, timeoutMs = 300_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('benchmark phase timed out');
    await sleep(10);
  }
}

const rate = (count: number, ms: number) => Math.round((count / ms) * 1000);
const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function relayThroughput(db: TestDatabase, prefix: string): Promise<number> {
  const outbox = new Outbox('companies');
  for (let written = 0; written < EVENTS; written += 1000) {
    await db.dataSource.transaction((manager) =>
      outbox.publish(
        manager,
        Array.from({ length: Math.min(1000, EVENTS - written) }, () => filled()),
      ),
    );
  }
  const relay = new OutboxRelay(
    db.dataSource,
    createKafka('bench-relay', brokers, { quiet: true }),
    { prefix },
    new MessagingMetrics(new Registry()),
  );
  const started = performance.now();
  relay.start();
  await until(async () => (await unsentRows(db.dataSource)) === 0);
  const elapsed = performance.now() - started;
  await relay.stop();
  return rate(EVENTS, elapsed);
}

/** The consumer runs in a process of its own, as in production (test/faults/consumer-process.ts). */
function consumerProcess(db: TestDatabase, prefix: string, groupId: string): Promise<ChildProcess> {
  return spawnConsumerProcess(
    { DATABASE_URL: db.url, KAFKA_TOPIC_PREFIX: prefix, GROUP_ID: groupId, CHUNK_SIZE: '200' },
    'joined',
  );
}

async function stopProcess(child: ChildProcess): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

async function consumerThroughput(db: TestDatabase, prefix: string): Promise<number> {
  // The relay phase left EVENTS events on the topic: a new group reads them from the beginning.
  await db.dataSource.query('TRUNCATE test_effect, messaging_inbox');
  const child = await consumerProcess(db, prefix, 'bench-throughput');
  await until(
    async () =>
      (await db.dataSource.query('SELECT count(*)::int AS n FROM test_effect'))[0].n >= EVENTS,
  );
  await stopProcess(child);
  // Steady state: from the first effect to the last (group join and process start left out).
  const [{ ms }] = await db.dataSource.query(
    `SELECT extract(epoch FROM max(handled_at) - min(handled_at)) * 1000 AS ms FROM test_effect`,
  );
  return rate(EVENTS - 1, Number(ms));
}

interface LatencyFigures {
  p50: number;
  p99: number;
  max: number;
  count: number;
}

function latencyFigures(latencies: number[]): LatencyFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
    count: sorted.length,
  };
}

const WARM_UP_EVENTS = 1500; // the first 3 s: pools, JIT and first sends warm up
const MEASURED_EVENTS = 5000; // then 10 s at the steady rate

/** One phase's latencies, end to end and split at the broker's acknowledgement. */
interface PhaseLatency {
  /** Commit -> handled. */
  total: LatencyFigures;
  /** Commit -> acknowledged by the broker (the relay's part). */
  relayed: LatencyFigures;
  /** Acknowledged by the broker -> handled (the consumer's part). */
  delivered: LatencyFigures;
}

interface LatencyResult {
  warmUp: PhaseLatency;
  steady: PhaseLatency;
  achievedRate: number;
}

async function endToEndLatency(db: TestDatabase): Promise<LatencyResult> {
  const prefix = uniquePrefix('bench-latency');
  await createTopics(
    testKafka(),
    [
      prefix + TOPICS.internships.name,
      retryTopic(prefix, 'matching', 1),
      deadLetterTopic(prefix, 'matching'),
    ],
    PARTITIONS,
  );
  await db.dataSource.query('TRUNCATE test_effect, messaging_inbox');
  const child = await consumerProcess(db, prefix, 'bench-latency');
  const relay = new OutboxRelay(
    db.dataSource,
    createKafka('bench-latency-relay', brokers, { quiet: true }),
    { prefix },
    new MessagingMetrics(new Registry()),
  );
  relay.start();
  await sleep(1000);
  const outbox = new Outbox('companies');
  const total = WARM_UP_EVENTS + MEASURED_EVENTS;
  const committedAt = new Map<string, { at: number; measured: boolean }>();
  // Several writers, like concurrent requests: event i is committed at (or just after) i x 2 ms.
  const started = performance.now();
  let measuredFrom = started;
  let next = 0;
  const writer = async () => {
    for (let i = next++; i < total; i = next++) {
      const wait = started + i * 2 - performance.now();
      if (wait > 1) await sleep(wait);
      if (i === WARM_UP_EVENTS) measuredFrom = performance.now();
      const [id] = await db.dataSource.transaction((manager) => outbox.publish(manager, filled()));
      committedAt.set(id, { at: Date.now(), measured: i >= WARM_UP_EVENTS });
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  const achievedRate = rate(MEASURED_EVENTS, performance.now() - measuredFrom);
  await until(
    async () =>
      (await db.dataSource.query('SELECT count(*)::int AS n FROM test_effect'))[0].n >= total,
    60_000,
  );
  await relay.stop();
  await stopProcess(child);
  // handled_at is the handler's insert time (PostgreSQL clock_timestamp(), same machine clock).
  // sent_at is stamped by the relay once the broker acknowledged the batch.
  const rows: { event_id: string; sent: string; handled: string }[] = await db.dataSource.query(
    `SELECT effect.event_id, extract(epoch FROM outbox.sent_at) * 1000 AS sent,
            extract(epoch FROM effect.handled_at) * 1000 AS handled
     FROM test_effect effect JOIN messaging_outbox outbox ON outbox.event_id = effect.event_id::uuid`,
  );
  const phases = { warmUp: new PhaseSamples(), steady: new PhaseSamples() };
  for (const row of rows) {
    const commit = committedAt.get(row.event_id) as { at: number; measured: boolean };
    const phase = commit.measured ? phases.steady : phases.warmUp;
    phase.total.push(Number(row.handled) - commit.at);
    phase.relayed.push(Number(row.sent) - commit.at);
    phase.delivered.push(Number(row.handled) - Number(row.sent));
  }
  return { warmUp: phases.warmUp.figures(), steady: phases.steady.figures(), achievedRate };
}

class PhaseSamples {
  readonly total: number[] = [];
  readonly relayed: number[] = [];
  readonly delivered: number[] = [];

  figures(): PhaseLatency {
    return {
      total: latencyFigures(this.total),
      relayed: latencyFigures(this.relayed),
      delivered: latencyFigures(this.delivered),
    };
  }
}

async function rawKafka(prefix: string): Promise<{ produce: number; consume: number }> {
  const kafka = testKafka();
  const topic = `${prefix}raw`;
  await createTopics(kafka, [topic], PARTITIONS);
  // The same records as the relay sends (CloudEvents headers, JSON value, key).
  const records = Array.from({ length: EVENTS }, () =>
    toKafkaRecord(filled(), { source: 'companies' }),
  ).map(({ key, value, headers }) => ({ key, value, headers }));
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const produceStarted = performance.now();
  for (let i = 0; i < records.length; i += 1000)
    await producer.sendBatch({
      topicMessages: [{ topic, messages: records.slice(i, i + 1000) }],
      acks: -1,
    });
  const produce = rate(EVENTS, performance.now() - produceStarted);
  await producer.disconnect();
  const consumer = kafka.consumer({ groupId: `${prefix}raw`, maxWaitTimeInMs: 100 });
  let consumed = 0;
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const consumeStarted = performance.now();
  await consumer.run({
    eachBatch: async ({ batch }) => {
      consumed += batch.messages.length;
    },
  });
  await until(async () => consumed >= EVENTS);
  const consume = rate(EVENTS, performance.now() - consumeStarted);
  await consumer.disconnect();
  return { produce, consume };
}

async function throughputPhases(
  db: TestDatabase,
  prefix: string,
): Promise<{ relay: number; consumer: number }> {
  const relay = await relayThroughput(db, prefix);
  console.log(`  outbox relay throughput             ${relay} events/s   (goal >= 5000)`);
  const consumer = await consumerThroughput(db, prefix);
  console.log(`  consumer throughput (insert+inbox)  ${consumer} events/s   (goal >= 2000)`);
  return { relay, consumer };
}

async function main(): Promise<void> {
  Logger.overrideLogger(['error']);
  const prefix = uniquePrefix('bench');
  const db = await createDatabase('bench', 12);
  try {
    const kafka = testKafka();
    await createTopics(
      kafka,
      [
        prefix + TOPICS.internships.name,
        retryTopic(prefix, 'matching', 1),
        deadLetterTopic(prefix, 'matching'),
      ],
      PARTITIONS,
    );
    console.log(
      `messaging benchmark: ${EVENTS} events, ${PARTITIONS} partitions, broker ${BROKERS}, database ${db.name}`,
    );
    const throughput = LATENCY_ONLY ? undefined : await throughputPhases(db, prefix);
    const latency = await endToEndLatency(db);
    const shown = (figures: LatencyFigures) =>
      `p50 ${figures.p50.toFixed(1)} ms, p99 ${figures.p99.toFixed(1)} ms, max ${figures.max.toFixed(1)} ms over ${figures.count} events`;
    const report = (label: string, phase: PhaseLatency, goal = '') => {
      console.log(`  ${label}: ${shown(phase.total)}${goal}`);
      console.log(`    commit->broker ack (relay):     ${shown(phase.relayed)}`);
      console.log(`    broker ack->handled (consumer): ${shown(phase.delivered)}`);
    };
    report(
      `end-to-end commit->handler, steady ${latency.achievedRate} ev/s`,
      latency.steady,
      '   (goal p99 <= 100 ms)',
    );
    report('first 3 s, warming up (not in the goal)', latency.warmUp);
    if (!throughput) return;
    const raw = await rawKafka(prefix);
    console.log(`  raw kafkajs produce (reference)     ${raw.produce} events/s`);
    console.log(`  raw kafkajs consume (reference)     ${raw.consume} events/s`);
    console.log(
      `  ratios: relay/raw produce ${(throughput.relay / raw.produce).toFixed(2)}, consumer/raw consume ${(throughput.consumer / raw.consume).toFixed(2)}`,
    );
  } finally {
    await db.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
