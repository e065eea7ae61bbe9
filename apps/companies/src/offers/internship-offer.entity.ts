import type { Level } from '@tremplin/contracts';
import { TenantScoped } from '@tremplin/platform';
import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Company } from '../companies/company.entity';

export const OFFER_STATUSES = ['posted', 'withdrawn', 'filled'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

export const WITHDRAWAL_REASONS = ['cancelled', 'filled-elsewhere', 'other'] as const;
export type WithdrawalReason = (typeof WITHDRAWAL_REASONS)[number];

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** When the intern works: the same hours every working day (the widest, if they differ). */
export interface WeeklySchedule {
  days: Weekday[];
  /** `HH:MM`, 24-hour clock; `end` later than `start` the same day. */
  start: string;
  end: string;
  breakMinutes: number;
}

/** A minors' rule the schedule breaks at an age (the matching engine's names). */
export interface MinorsReason {
  age: number;
  rule: string;
}

/**
 * An internship offer of a company site: what it asks for, where and when the intern works.
 * Its periods (each with its seats) are InternshipOfferPeriod rows. Scoped like its company: the
 * academy, and the site's SIRET (a company user scoped by SIREN sees every site's offers).
 */
@Entity('internship_offers')
@TenantScoped<InternshipOffer>({ academy: 'academy', company: 'siret' })
export class InternshipOffer {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'company_id', type: 'uuid' })
  companyId: string;

  @ManyToOne(() => Company, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'company_id' })
  company?: Company;

  /** The company site's SIRET, copied from it (it never changes): the scope column. */
  @Column({ length: 14 })
  siret: string;

  @Column({ name: 'academy_code', length: 2 })
  academy: string;

  @Column({ length: 120 })
  title: string;

  @Column({ type: 'text' })
  description: string;

  /** ROME job codes, the first one the main job. */
  @Column({ name: 'rome_codes', type: 'varchar', array: true })
  romeCodes: string[];

  /** Codes diplôme (CFD) accepted. */
  @Column({ type: 'varchar', array: true })
  diplomas: string[];

  /** Specialties / familles de métiers accepted besides the diplomas. */
  @Column({ type: 'varchar', array: true })
  specialties: string[];

  /** Training levels accepted; empty: every level. */
  @Column({ type: 'varchar', array: true })
  levels: Level[];

  /** INSEE code of the commune where the intern works. */
  @Column({ name: 'commune_insee', length: 5 })
  communeCode: string;

  @Column({ type: 'double precision' })
  latitude: number;

  @Column({ type: 'double precision' })
  longitude: number;

  @Column({ type: 'jsonb' })
  schedule: WeeklySchedule;

  /** Involves regulated work by minors ("travaux réglementés"). */
  @Column({ name: 'involves_regulated_work' })
  involvesRegulatedWork: boolean;

  /** Reserved for priority students (no professional network, or a priority flag). */
  @Column({ name: 'reserved_for_priority' })
  reservedForPriority: boolean;

  /** When not empty, only students of these schools (UAIs). */
  @Column({ name: 'reserved_for_schools', type: 'varchar', array: true })
  reservedForSchools: string[];

  @Column({ type: 'varchar', length: 9 })
  status: OfferStatus;

  @Column({ name: 'withdrawal_reason', type: 'varchar', length: 16, nullable: true })
  withdrawalReason: WithdrawalReason | null;

  /** Whether some minor may work the schedule (false: adults only). */
  @Column({ name: 'minors_allowed' })
  minorsAllowed: boolean;

  /** The youngest age (14 to 18) the minors' rules allow on this schedule. */
  @Column({ name: 'minimum_age', type: 'smallint' })
  minimumAge: number;

  /** For each minor age below 18 not allowed, the rule the schedule breaks. */
  @Column({ name: 'minors_reasons', type: 'jsonb' })
  minorsReasons: MinorsReason[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
