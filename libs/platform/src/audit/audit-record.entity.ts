import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One read or change of personal data: who, what (field names, never values), when, from where.
 * Written by Audit.record in the transaction of the change; deleted only by the retention purge.
 */
@Entity({ name: 'audit_log' })
export class AuditRecord {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** The transaction's time, so that every row of one change carries the same instant. */
  @Column({ name: 'occurred_at', type: 'timestamptz', default: () => 'now()' })
  occurredAt: Date;

  /** The caller's `sub`, `service:<name>` for the system caller, `link:<id>` for a signed link. */
  @Column({ type: 'text' })
  subject: string;

  @Column({ type: 'text', array: true })
  roles: string[];

  /** The academy whose data was touched: academy admins read their academy's rows only. */
  @Column({ type: 'text', nullable: true })
  academy: string | null;

  @Column({ type: 'text' })
  entity: string;

  @Column({ name: 'entity_id', type: 'text' })
  entityId: string;

  @Column({ type: 'text' })
  action: string;

  @Column({ type: 'text', array: true })
  fields: string[];

  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  @Column({ name: 'event_id', type: 'text', nullable: true })
  eventId: string | null;

  @Column({ type: 'text', nullable: true })
  ip: string | null;

  @Column({ name: 'user_agent', type: 'text', nullable: true })
  userAgent: string | null;
}
