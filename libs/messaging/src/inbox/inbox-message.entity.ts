import { Column, Entity, PrimaryColumn } from 'typeorm';

/** An event already handled by a consumer group: recorded in the same transaction as its effect. */
@Entity({ name: 'messaging_inbox' })
export class InboxMessage {
  @PrimaryColumn({ type: 'text' })
  consumer: string;

  @PrimaryColumn({ name: 'event_id', type: 'text' })
  eventId: string;

  @Column({ type: 'text' })
  type: string;

  @Column({ name: 'handled_at', type: 'timestamptz', default: () => 'now()' })
  handledAt: Date;
}
