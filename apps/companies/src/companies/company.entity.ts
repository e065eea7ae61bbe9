import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A host company site, identified by its SIRET. */
@Entity('companies')
export class Company {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ unique: true, length: 14 })
  siret: string;

  @Column()
  name: string;

  /** NAF/APE sector code with its revision, e.g. "62.01Z" (rev. 2). */
  @Column({ name: 'naf_code', length: 6 })
  nafCode: string;

  /** INSEE code of the commune of the site. */
  @Column({ name: 'commune_insee', length: 5 })
  communeInsee: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
