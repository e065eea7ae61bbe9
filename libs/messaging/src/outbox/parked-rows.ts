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
export async function parkedRows(dataSource: DataSource, limit = 100): Promise<ParkedRow[]> {
  return dataSource.query(
    `SELECT id::text, topic, key, event_id AS "eventId", headers->>'ce_type' AS type, attempts,
            last_error AS error, parked_at AS "parkedAt", created_at AS "createdAt"
     FROM messaging_outbox WHERE parked_at IS NOT NULL ORDER BY id LIMIT $1`,
    [limit],
  );
}

/**
 * Puts back in the relay's way every parked row of the key of row `id` (the refused row and the
 * rows parked behind it: they go out in their order), attempts reset. Waits for the relay's batch
 * on that key's shard, if one runs, so that no row of the key is parked behind them meanwhile.
 * Returns how many rows were requeued: 0 when row `id` is not parked.
 */
export async function requeueParked(dataSource: DataSource, id: string): Promise<number> {
  if (!/^\d{1,19}$/.test(id)) return 0;
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
