import { TenantScoped } from '@tremplin/platform';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A vocational high school, identified nationally by its UAI code. */
@Entity('schools')
@TenantScoped<School>({ academy: 'academy', school: 'uai' })
export class School {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ unique: true, length: 8 })
  uai: string;

  @Column()
  name: string;

  /** Academy code, e.g. "16" for Toulouse. */
  @Column({ name: 'academy_code', length: 2 })
  academy: string;

  /** INSEE code of the commune. */
  @Column({ name: 'commune_insee', length: 5 })
  communeCode: string;

  /** Priority-education school (REP/REP+): offers may be reserved for its students. */
  @Column({ name: 'priority_education', default: false })
  priorityEducation: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
