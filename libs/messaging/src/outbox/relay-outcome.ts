// What a relay batch does with each row it read: the broker's answers sorted into refusals of a
// topic or of a record (which may park a row) and its own state (retried as it is), and the one
// statement that records the outcome and commits.

/**
 * Broker answers that refuse a topic as a whole (its rows would fail every send) or one record
 * (every send with it fails); anything else (connection, timeout, leader moving, broker full)
 * is the broker's state, retried as it is without ever parking a row.
 */
const TOPIC_REFUSALS = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'TOPIC_AUTHORIZATION_FAILED',
  'INVALID_TOPIC_EXCEPTION',
]);
const RECORD_REFUSALS = new Set([
  'MESSAGE_TOO_LARGE',
  'RECORD_LIST_TOO_LARGE',
  'INVALID_RECORD',
  'CORRUPT_MESSAGE',
]);

export interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: string | null;
  attempts: number;
  /** Since the row's first refusal, by the database's clock; null if never refused. */
  refused_for_ms: number | null;
  /** The key has a parked row: this one is parked behind it, never sent before it. */
  held: boolean;
}

/** What the batch does with each row it read, written in its finishing statement. */
export interface BatchOutcome {
  sent: OutboxRow[];
  /** Rows the broker refused, with the refusal. */
  refused: { row: OutboxRow; error: string }[];
  /** Rows parked behind a parked row of their key (its id when parked in this batch). */
  behind: { row: OutboxRow; parkedId: string | undefined }[];
}

/** (topic, key): what Kafka keeps in order. */
export function keyOf(row: OutboxRow): string {
  return `${row.topic}\n${row.key}`;
}

/** Whether the broker refused a topic or a record (not its own state), from kafkajs's error chain. */
export function refusal(error: unknown): 'topic' | 'record' | undefined {
  for (let cause = error as { type?: string; cause?: unknown } | undefined; cause;) {
    if (cause.type && TOPIC_REFUSALS.has(cause.type)) return 'topic';
    if (cause.type && RECORD_REFUSALS.has(cause.type)) return 'record';
    cause = cause.cause as typeof cause;
  }
  return undefined;
}

export function describeError(error: unknown): string {
  const root = (error as { cause?: unknown }).cause ?? error;
  const { name, message, type } = root as { name?: string; message?: string; type?: string };
  return `${name ?? 'Error'}: ${message ?? String(root)}${type ? ` (${type})` : ''}`.slice(0, 1000);
}

/** Stamps what was sent, charges what was refused, parks what is done with; then commits. */
export function finishingStatement(
  { sent, refused, behind }: BatchOutcome,
  parks: (row: OutboxRow) => boolean,
): string {
  const ids = (rows: OutboxRow[]) => `'{${rows.map((row) => BigInt(row.id)).join(',')}}'::bigint[]`;
  const statements: string[] = [];
  // ids are bigints read from the table; clock_timestamp(): when the broker acknowledged.
  if (sent.length > 0)
    statements.push(
      `UPDATE messaging_outbox SET sent_at = clock_timestamp() WHERE id = ANY(${ids(sent)})`,
    );
  for (const { row, error } of refused)
    statements.push(
      `UPDATE messaging_outbox SET attempts = attempts + 1, last_error = ${literal(error)},
         refused_at = coalesce(refused_at, clock_timestamp())${parks(row) ? ', parked_at = clock_timestamp()' : ''}
       WHERE id = ${BigInt(row.id)}`,
    );
  for (const { row, parkedId } of behind)
    statements.push(
      `UPDATE messaging_outbox SET parked_at = clock_timestamp(),
         last_error = ${literal(`behind ${parkedId ? `parked row ${parkedId}` : 'a parked row'} of its key`)}
       WHERE id = ${BigInt(row.id)}`,
    );
  statements.push('COMMIT');
  return statements.join(';\n');
}

/** A string as an SQL literal (standard_conforming_strings: only quotes are doubled). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''").replace(/\0/g, '')}'`;
}
