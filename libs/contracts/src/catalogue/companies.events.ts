import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IntegrationEvent } from '../integration-event';
import { TOPICS } from '../topics';
import {
  IsAcademy,
  IsCalendarDate,
  IsCfd,
  IsCommune,
  IsSiret,
  NAF_PATTERN,
  ROME_PATTERN,
} from './rules';

export class CompanyRegistered extends IntegrationEvent {
  static readonly type = 'fr.tremplin.companies.CompanyRegistered.v1';
  static readonly topic = TOPICS.companies;
  static readonly description = 'A company site (SIRET) registered to host students.';

  @IsUUID() companyId: string;
  @IsSiret() siret: string;
  /** The legal entity's registered name (public SIRENE data), never a contact person. */
  @IsString() @Length(1, 200) legalName: string;
  @Matches(NAF_PATTERN) nafCode: string;
  /** NAF 2025 replaces rév. 2 on 1 Jan 2027 with new codes, so a code carries its revision. */
  @IsIn(['rev2', 'naf2025']) nafRevision: 'rev2' | 'naf2025';
  @IsCommune() communeCode: string;
  @IsAcademy() academy: string;
  /**
   * Date the company declared its derogation for regulated work by minors ("travaux
   * réglementés") to the labour inspectorate; the derogation is valid 3 years from that date
   * (the matching engine applies the rule). Absent: none declared.
   */
  @IsOptional() @IsCalendarDate() regulatedWorkDerogationDeclaredOn?: string;

  partitionKey(): string {
    return this.companyId;
  }
}

export class InternshipPeriod {
  @IsCalendarDate() startDate: string;
  @IsCalendarDate() endDate: string;
}

/** The full current state of an offer, so a consumer never needs an earlier event to apply it. */
abstract class InternshipSnapshot extends IntegrationEvent {
  @IsUUID() internshipId: string;
  @IsUUID() companyId: string;
  @IsAcademy() academy: string;
  @IsString() @Length(1, 120) title: string;
  /** Codes diplôme (CFD) of the students the offer accepts. */
  @IsArray() @ArrayMinSize(1) @ArrayUnique() @IsCfd({ each: true }) diplomas: string[];
  @Matches(ROME_PATTERN) romeCode: string;
  @IsObject() @ValidateNested() @Type(() => InternshipPeriod) period: InternshipPeriod;
  @IsInt() @Min(1) @Max(100) seats: number;
  @IsCommune() communeCode: string;
  /** Reserved for priority students: without a professional network, or with a priority flag. */
  @IsBoolean() reservedForPriority: boolean;
  /** When set, only students of these schools may be proposed. */
  @IsOptional() @IsArray() @IsUUID(undefined, { each: true }) reservedForSchoolIds?: string[];
  /** Cap on proposals per month, so that companies are not flooded. */
  @IsOptional() @IsInt() @Min(1) monthlyProposalCap?: number;
  /** The work involves regulated work by minors ("travaux réglementés"). */
  @IsBoolean() involvesRegulatedWork: boolean;

  partitionKey(): string {
    return this.internshipId;
  }
}

export class InternshipPosted extends InternshipSnapshot {
  static readonly type = 'fr.tremplin.companies.InternshipPosted.v1';
  static readonly topic = TOPICS.internships;
  static readonly description = 'A company posted an internship offer.';
}

export class InternshipUpdated extends InternshipSnapshot {
  static readonly type = 'fr.tremplin.companies.InternshipUpdated.v1';
  static readonly topic = TOPICS.internships;
  static readonly description = 'An internship offer changed; carries the full current offer.';
}

export class InternshipWithdrawn extends IntegrationEvent {
  static readonly type = 'fr.tremplin.companies.InternshipWithdrawn.v1';
  static readonly topic = TOPICS.internships;
  static readonly description = 'A company withdrew an offer: no new proposals for it.';

  @IsUUID() internshipId: string;
  @IsUUID() companyId: string;
  @IsAcademy() academy: string;
  @IsIn(['cancelled', 'filled-elsewhere', 'other']) reason:
    'cancelled' | 'filled-elsewhere' | 'other';

  partitionKey(): string {
    return this.internshipId;
  }
}

export class InternshipFilled extends IntegrationEvent {
  static readonly type = 'fr.tremplin.companies.InternshipFilled.v1';
  static readonly topic = TOPICS.internships;
  static readonly description = 'Every seat of an offer is taken.';

  @IsUUID() internshipId: string;
  @IsUUID() companyId: string;
  @IsAcademy() academy: string;

  partitionKey(): string {
    return this.internshipId;
  }
}

export class MeetupScheduled extends IntegrationEvent {
  static readonly type = 'fr.tremplin.companies.MeetupScheduled.v1';
  static readonly topic = TOPICS.meetups;
  static readonly description = 'A professional speed-dating meetup was scheduled.';

  @IsUUID() meetupId: string;
  @IsAcademy() academy: string;
  @IsArray() @ArrayMinSize(1) @IsUUID(undefined, { each: true }) companyIds: string[];
  @IsArray() @ArrayMinSize(1) @IsUUID(undefined, { each: true }) schoolIds: string[];
  @IsISO8601({ strict: true }) startsAt: string;
  @IsISO8601({ strict: true }) endsAt: string;
  @IsCommune() communeCode: string;
  @IsInt() @Min(5) @Max(60) slotMinutes: number;

  partitionKey(): string {
    return this.meetupId;
  }
}
