import type { DataSource } from 'typeorm';
import { OUTBOX_CHANNEL } from '../migrations';
import { LOCK_NAMESPACE } from './outbox-relay';

/** An outbox row the relay parked, as the admin endpoint lists it. */
export interface ParkedRow {
  id: string;
  topic: string;
  key: string;
  eventId: string | null;
  type: string | null;
  attempts: number;
  /** The broker's last refusal, or `behind parked row <id> of its key`. */
  error: string | null;
  parkedAt: Date;
  createdAt: Date;
}

/** The parked rows, oldest first (a key's rows in their order). */
export async function parkedRows(
  dataSource: DataSource,
  limit = 100,
  /** Only rows after this id: the next page starts after the last id of the previous one. */
  after = '0',
): Promise<ParkedRow[]> {
  return dataSource.query(
    `SELECT id::text, topic, key, event_id AS "eventId", headers->>'ce_type' AS type, attempts,
            last_error AS error, parked_at AS "parkedAt", created_at AS "createdAt"
     FROM messaging_outbox WHERE parked_at IS NOT NULL AND id > $2 ORDER BY id LIMIT $1`,
    [limit, isRowId(after) ? after : '0'],
  );
}

/**
 * Requeues every parked row of a topic, key by key (each as requeueParked does): after a topic
 * was missing or forbidden for a while, all its keys are parked. Returns how many rows.
 */
export async function requeueParkedTopic(dataSource: DataSource, topic: string): Promise<number> {
  const firsts: { id: string }[] = await dataSource.query(
    `SELECT min(id)::text AS id FROM messaging_outbox
      WHERE parked_at IS NOT NULL AND topic = $1 GROUP BY key ORDER BY min(id)`,
    [topic],
  );
  let requeued = 0;
  for (const { id } of firsts) requeued += await requeueParked(dataSource, id);
  return requeued;
}

/** A bigint id: a 19-digit number over bigint's range would be a database error. */
function isRowId(id: string): boolean {
  return /^\d{1,19}$/.test(id) && BigInt(id) <= 9_223_372_036_854_775_807n;
}

/**
 * Puts back in the relay's way every parked row of the key of row `id` (the refused row and the
 * rows parked behind it: they go out in their order), attempts reset. Waits for the relay's batch
 * on that key's shard, if one runs, so that no row of the key is parked behind them meanwhile.
 * Returns how many rows were requeued: 0 when row `id` is not parked.
 */
export async function requeueParked(dataSource: DataSource, id: string): Promise<number> {
  if (!isRowId(id)) return 0;
  return dataSource.transaction(async (manager) => {
    const [row]: { topic: string; key: string; shard: number }[] = await manager.query(
      `SELECT topic, key, shard FROM messaging_outbox WHERE id = $1 AND parked_at IS NOT NULL`,
      [id],
    );
    if (!row) return 0;
    await manager.query(`SELECT pg_advisory_xact_lock($1, $2)`, [LOCK_NAMESPACE, row.shard]);
    const [{ requeued }]: { requeued: number }[] = await manager.query(
      `WITH requeued AS (
         UPDATE messaging_outbox SET parked_at = NULL, attempts = 0, last_error = NULL, refused_at = NULL
         WHERE parked_at IS NOT NULL AND topic = $1 AND key = $2 RETURNING id)
       SELECT count(*)::int AS requeued, pg_notify($3, '') FROM requeued`,
      [row.topic, row.key, OUTBOX_CHANNEL],
    );
    return requeued;
  });
}
