import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An event already handled by one handler of a consumer group: recorded in the same transaction
 * as that handler's effect. Handler `*` (rows from before InboxPerHandler): every handler.
 */
@Entity({ name: 'messaging_inbox' })
export class InboxMessage {
  @PrimaryColumn({ type: 'text' })
  consumer: string;

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId: string;

  @PrimaryColumn({ type: 'text', default: '*' })
  handler: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ name: 'handled_at', type: 'timestamptz', default: () => 'now()' })
  handledAt: Date;
}
