import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A link issued for one action on one resource; its token is `<id>.<secret>`, never stored. */
@Entity({ name: 'signed_links' })
export class SignedLink {
  @PrimaryColumn('uuid')
  id: string;

  /** SHA-256 of the token's secret part. */
  @Column({ name: 'secret_hash', type: 'bytea' })
  secretHash: Buffer;

  /** What the link opens, e.g. `answer-proposal`. */
  @Column({ type: 'text' })
  purpose: string;

  /** The one resource it acts on, e.g. the proposal's id. */
  @Column({ name: 'resource_id', type: 'text' })
  resourceId: string;

  @Column({ type: 'text' })
  academy: string;

  /** The recipient's id (a contact, a student), never an email or a name. */
  @Column({ name: 'issued_for', type: 'text', nullable: true })
  issuedFor: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'used_at', type: 'timestamptz', nullable: true })
  usedAt: Date | null;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;
}
