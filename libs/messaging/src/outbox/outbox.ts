import {
  EnvelopeContext,
  IntegrationEvent,
  ServiceName,
  TopicDefinition,
  toKafkaRecord,
} from '@tremplin/contracts';
import { instanceToPlain, plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { EntityManager } from 'typeorm';

/** Shards of the outbox: at most one relay works on a shard at a time (per-key order across replicas). */
export const OUTBOX_SHARDS = 16;

export function shardOf(key: string): number {
  // FNV-1a: stable across processes and versions, unlike a language's own string hash.
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % OUTBOX_SHARDS;
}

/**
 * Largest record (key, value and headers) the outbox accepts, and the most the relay sends in
 * one batch: below the broker's 1 MB `message.max.bytes`, which also counts the record and
 * batch overheads. A record the broker refuses would fail every send and stall the outbox.
 */
export const MAX_RECORD_BYTES = 900 * 1024;

export function recordBytes(record: {
  key: string;
  value: string | null;
  headers: Record<string, string>;
}): number {
  let bytes = Buffer.byteLength(record.key) + Buffer.byteLength(record.value ?? '');
  for (const [name, value] of Object.entries(record.headers))
    bytes += Buffer.byteLength(name) + Buffer.byteLength(value);
  return bytes;
}

/** What a publisher may add to the envelope; `source` is the service itself. */
export type PublishContext = Omit<EnvelopeContext, 'source'>;

export class InvalidEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventError';
  }
}

/**
 * Writes events into the service's outbox table, in the caller's transaction: the event is
 * published if and only if the business change commits.
 */
export class Outbox {
  /** `service`: the producer, `source` of every event written. */
  constructor(readonly service: ServiceName) {}

  /** Returns the CloudEvents ids of the events written. */
  async publish(
    manager: EntityManager,
    events: IntegrationEvent | readonly IntegrationEvent[],
    context: PublishContext = {},
  ): Promise<string[]> {
    const list = Array.isArray(events) ? events : [events as IntegrationEvent];
    if (list.length === 0) return [];
    requireTransaction(manager);
    const rows = list.map((given) => {
      const event = declaredCopy(given);
      const errors = validateSync(event, { whitelist: true, forbidUnknownValues: true });
      if (errors.length > 0) {
        const details = errors.map(
          (error) =>
            `${error.property}: ${Object.values(error.constraints ?? { nested: 'invalid' }).join(', ')}`,
        );
        throw new InvalidEventError(`${event.constructor.name} is invalid: ${details.join('; ')}`);
      }
      // Several events in one call share the context but never an id.
      const record = toKafkaRecord(event, {
        ...context,
        id: list.length > 1 ? undefined : context.id,
        source: this.service,
      });
      const bytes = recordBytes(record);
      if (bytes > MAX_RECORD_BYTES)
        throw new InvalidEventError(
          `${record.headers['ce_type']} is ${bytes} bytes, over the outbox limit of ${MAX_RECORD_BYTES} (Kafka refuses records over 1 MB)`,
        );
      return {
        eventId: record.headers['ce_id'],
        topic: record.topic,
        key: record.key,
        headers: record.headers,
        value: record.value,
      };
    });
    await insertRows(manager, rows);
    return rows.map((row) => row.eventId);
  }

  /** Erases a key on a compacted topic (e.g. a person's contact details after erasure). */
  async tombstone(manager: EntityManager, topic: TopicDefinition, key: string): Promise<void> {
    if (!topic.compacted)
      throw new Error(`${topic.name} is not compacted: a tombstone there would erase nothing`);
    if (!topic.producers.includes(this.service))
      throw new Error(`${this.service} does not publish on ${topic.name}`);
    requireTransaction(manager);
    await insertRows(manager, [
      { eventId: null, topic: topic.name, key, headers: {}, value: null },
    ]);
  }
}

/**
 * A deep copy of the event that `validateSync(..., { whitelist: true })` then strips to the
 * properties its contract class declares (those with a class-validator rule, nested classes
 * included, as consumers read them): `StudentRegistered.of({ ...studentRow })` must not publish
 * the row's name or email. A copy, so that the caller's object is left as it was.
 */
function declaredCopy(event: IntegrationEvent): IntegrationEvent {
  const eventClass = event.constructor as new () => IntegrationEvent;
  return plainToInstance(eventClass, instanceToPlain(event));
}

interface Row {
  eventId: string | null;
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: string | null;
}

function requireTransaction(manager: EntityManager): void {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error(
      'Outbox needs the EntityManager of a transaction: dataSource.transaction((manager) => outbox.publish(manager, event))',
    );
  }
}

/**
 * Stripes of the per-key locks (a power of two): a transaction holds at most this many, however
 * many keys it publishes on, so that bulk publishes cannot exhaust PostgreSQL's shared lock table
 * (max_locks_per_transaction x max_connections, 6,400 slots by default). Two writers of different
 * keys share a stripe 1 time in 64 and then wait for each other's commit (64 is PostgreSQL's default
 * max_locks_per_transaction).
 */
export const KEY_LOCK_STRIPES = 64;

/** Arbitrary constant: the advisory-lock namespace of the key stripes (the relay's shards use 7_340_032). */
const KEY_LOCK_NAMESPACE = 7_340_033;

/**
 * Inserts the rows under a transaction-scoped advisory lock on each of their (topic, key) (its
 * stripe), taken
 * before their ids are drawn and held until the commit: a second transaction writing one of these
 * keys waits here until this one has committed or rolled back. So the ids of a key's rows follow
 * the commit order of their transactions, and whenever the relay sees a row of a key it sees every
 * earlier one: publishing in id order is publishing in commit order (README, "Per-key order").
 *
 * One statement, one round trip: the locks (sorted, so that two calls over the same keys cannot
 * deadlock) are a one-time filter of the INSERT, evaluated before its first row and its first
 * `nextval`.
 */
async function insertRows(manager: EntityManager, rows: Row[]): Promise<void> {
  const values: unknown[] = [rows.map((row) => `${row.topic}:${row.key}`)];
  const tuples = rows.map((row) => {
    values.push(
      row.eventId,
      row.topic,
      row.key,
      shardOf(row.key),
      JSON.stringify(row.headers),
      row.value,
    );
    const n = values.length;
    return `($${n - 5}::uuid, $${n - 4}::text, $${n - 3}::text, $${n - 2}::smallint, $${n - 1}::jsonb, $${n}::text)`;
  });
  await manager.query(
    `WITH locks AS MATERIALIZED (
       SELECT pg_advisory_xact_lock(${KEY_LOCK_NAMESPACE}, stripe) FROM (
         SELECT DISTINCT (hashtextextended(name, 0) & ${KEY_LOCK_STRIPES - 1})::int AS stripe
         FROM unnest($1::text[]) AS name ORDER BY stripe
       ) AS sorted)
     INSERT INTO messaging_outbox (event_id, topic, key, shard, headers, value)
     SELECT * FROM (VALUES ${tuples.join(', ')}) AS row (event_id, topic, key, shard, headers, value)
     WHERE (SELECT count(*) FROM locks) > 0`,
    values,
  );
}
