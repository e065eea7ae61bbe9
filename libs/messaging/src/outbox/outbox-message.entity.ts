import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One event waiting to be published, written in the same transaction as the business change.
 * The relay publishes rows in id order per shard and stamps `sent_at`.
 */
@Entity({ name: 'messaging_outbox' })
@Index('messaging_outbox_unsent', ['id'], { where: 'sent_at IS NULL AND parked_at IS NULL' })
@Index('messaging_outbox_parked', ['topic', 'key', 'id'], { where: 'parked_at IS NOT NULL' })
export class OutboxMessage {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ name: 'event_id', type: 'uuid', nullable: true })
  eventId: string | null;

  /** Logical topic; the relay adds the deployment's prefix. */
  @Column({ type: 'text' })
  topic: string;

  @Column({ type: 'text' })
  key: string;

  /** hash(key) mod OUTBOX_SHARDS: one relay at a time per shard keeps per-key order across replicas. */
  @Column({ type: 'smallint' })
  shard: number;

  @Column({ type: 'jsonb' })
  headers: Record<string, string>;

  /** JSON payload; null for a tombstone on a compacted topic. */
  @Column({ type: 'text', nullable: true })
  value: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  /** Sends the broker refused for this row itself (topic missing or forbidden, record too large). */
  @Column({ type: 'smallint', default: 0 })
  attempts: number;

  /** The last refusal, or why the row was parked. */
  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  /** The first refusal of the row (parking needs refusals spread over `parkAfterMs`). */
  @Column({ name: 'refused_at', type: 'timestamptz', nullable: true })
  refusedAt: Date | null;

  /** Set when the row is parked: out of the relay's way until an operator requeues its key. */
  @Column({ name: 'parked_at', type: 'timestamptz', nullable: true })
  parkedAt: Date | null;
}
