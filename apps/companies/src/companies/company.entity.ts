import { TenantScoped } from '@tremplin/platform';
import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A host company site, identified by its SIRET. */
@Entity('companies')
@TenantScoped<Company>({ academy: 'academy', company: 'siret' })
export class Company {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ unique: true, length: 14 })
  siret: string;

  /** Registered name of the legal entity (raison sociale). */
  @Column({ name: 'name' })
  legalName: string;

  /** NAF/APE sector code, e.g. "62.01Z". */
  @Column({ name: 'naf_code', length: 6 })
  nafCode: string;

  /** NAF 2025 replaces rév. 2 on 1 Jan 2027 with new codes, so a code carries its revision. */
  @Column({ name: 'naf_revision', length: 7 })
  nafRevision: 'rev2' | 'naf2025';

  @Column({ name: 'academy_code', length: 2 })
  academy: string;

  /** INSEE code of the commune of the site. */
  @Column({ name: 'commune_insee', length: 5 })
  communeCode: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
