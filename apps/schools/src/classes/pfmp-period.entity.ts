import type { PfmpCancellationReason } from '@tremplin/contracts';
import { TenantScoped } from '@tremplin/platform';
import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { SchoolClass } from './school-class.entity';

/** A period counts in its class's calendar until it is cancelled; a cancelled one is kept. */
export const PFMP_PERIOD_STATUSES = ['scheduled', 'cancelled'] as const;
export type PfmpPeriodStatus = (typeof PFMP_PERIOD_STATUSES)[number];

/**
 * A PFMP period of a class: the school's shared calendar. Inside the class's school year, never
 * overlapping another scheduled period of the class, requiring at most the weeks it spans
 * (class-rules.ts). Carries its class's scope columns, so it is scoped like the class.
 */
@Entity('pfmp_periods')
@TenantScoped<PfmpPeriod>({ academy: 'academy', school: 'uai' })
export class PfmpPeriod {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'class_id', type: 'uuid' })
  classId: string;

  @ManyToOne(() => SchoolClass, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'class_id' })
  schoolClass?: SchoolClass;

  @Column({ length: 8 })
  uai: string;

  @Column({ name: 'academy_code', length: 2 })
  academy: string;

  /** First day, `YYYY-MM-DD`. */
  @Column({ name: 'start_date', type: 'date' })
  startDate: string;

  /** Last day (inclusive), `YYYY-MM-DD`. */
  @Column({ name: 'end_date', type: 'date' })
  endDate: string;

  /** Weeks of PFMP the period requires (at most the weeks it spans). */
  @Column({ name: 'weeks_required', type: 'smallint' })
  weeks: number;

  @Column({ type: 'varchar', length: 9, default: 'scheduled' })
  status: PfmpPeriodStatus;

  /** Why it was cancelled; null while scheduled. */
  @Column({ name: 'cancellation_reason', type: 'varchar', length: 20, nullable: true })
  cancellationReason: PfmpCancellationReason | null;

  @Column({ name: 'cancelled_at', type: 'timestamptz', nullable: true })
  cancelledAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
