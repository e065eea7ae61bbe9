import { TenantScoped } from '@tremplin/platform';
import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { InternshipOffer } from './internship-offer.entity';

/**
 * One period of an offer, with its own seats: what matching sees as one offer (DESIGN.md,
 * "Runs"). Carries its offer's scope columns, so it is scoped like the offer.
 */
@Entity('internship_offer_periods')
@TenantScoped<InternshipOfferPeriod>({ academy: 'academy', company: 'siret' })
export class InternshipOfferPeriod {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'offer_id', type: 'uuid' })
  offerId: string;

  @ManyToOne(() => InternshipOffer, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'offer_id' })
  offer?: InternshipOffer;

  @Column({ length: 14 })
  siret: string;

  @Column({ name: 'academy_code', length: 2 })
  academy: string;

  /** First day, `YYYY-MM-DD`. */
  @Column({ name: 'start_date', type: 'date' })
  startDate: string;

  /** Last day (inclusive), `YYYY-MM-DD`. */
  @Column({ name: 'end_date', type: 'date' })
  endDate: string;

  @Column({ type: 'integer' })
  seats: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
