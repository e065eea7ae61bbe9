import { IsEmail, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { IntegrationEvent } from '../integration-event';
import { TOPICS } from '../topics';

export const CONTACT_ROLES = [
  'student',
  'guardian',
  'office-manager',
  'teacher',
  'company-contact',
] as const;

/**
 * Private: the latest contact details of one person, on the compacted contact topic keyed by
 * person id. Erasure publishes a tombstone (null value) with the same key.
 */
export class ContactDetailsChanged extends IntegrationEvent {
  static readonly type = 'fr.tremplin.contacts.ContactDetailsChanged.v1';
  static readonly topic = TOPICS.contacts;
  static readonly description = 'The current contact details of a person (private topic).';

  @IsUUID() personId: string;
  @IsIn(CONTACT_ROLES) role: (typeof CONTACT_ROLES)[number];
  @IsString() @Length(1, 100) givenName: string;
  @IsString() @Length(1, 100) familyName: string;
  @IsOptional() @IsEmail() email?: string;
  /** E.164 */
  @IsOptional() @Matches(/^\+[1-9]\d{6,14}$/) phone?: string;
  @IsIn(['fr', 'en']) locale: 'fr' | 'en';
  /** For a guardian: the student they are responsible for. */
  @IsOptional() @IsUUID() guardianOf?: string;
  /** For a company contact: their company. */
  @IsOptional() @IsUUID() companyId?: string;

  partitionKey(): string {
    return this.personId;
  }
}
