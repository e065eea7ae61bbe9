import type { Level } from '@tremplin/contracts';
import { TenantScoped } from '@tremplin/platform';
import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { School } from '../schools/school.entity';

/**
 * A class of a school for one school year (e.g. "2nde MRC A", 2026-2027): the diploma it
 * prepares, its level, its specialty or famille de métiers, and its PFMP periods (PfmpPeriod
 * rows). Scoped like its school: the academy and the school's UAI, copied from it (they never
 * change), so that the school's office managers, head and teachers see it and no one else.
 */
@Entity('school_classes')
@TenantScoped<SchoolClass>({ academy: 'academy', school: 'uai' })
export class SchoolClass {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'school_id', type: 'uuid' })
  schoolId: string;

  @ManyToOne(() => School, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'school_id' })
  school?: School;

  /** The school's UAI: the scope column. */
  @Column({ length: 8 })
  uai: string;

  @Column({ name: 'academy_code', length: 2 })
  academy: string;

  /** e.g. "2nde MRC A", unique in its school and school year. */
  @Column({ length: 60 })
  name: string;

  /** e.g. "2026-2027". */
  @Column({ name: 'school_year', length: 9 })
  schoolYear: string;

  /** Code diplôme (CFD) the class prepares. */
  @Column({ length: 8 })
  diploma: string;

  @Column({ type: 'varchar', length: 16 })
  level: Level;

  /** The specialty; null only for a seconde by famille de métiers (chosen at its end). */
  @Column({ type: 'varchar', length: 120, nullable: true })
  specialty: string | null;

  /** Bac Pro seconde only. */
  @Column({ name: 'famille_de_metiers', type: 'varchar', length: 120, nullable: true })
  familleDeMetiers: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
