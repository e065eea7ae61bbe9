import {
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
} from 'class-validator';
import { IntegrationEvent } from '../integration-event';
import { TOPICS } from '../topics';
import {
  IsAcademy,
  IsCalendarDate,
  IsCfd,
  IsCommune,
  IsUai,
  LEVELS,
  Level,
  PRIORITY_FLAGS,
  PriorityFlag,
} from './rules';

export class SchoolRegistered extends IntegrationEvent {
  static readonly type = 'fr.tremplin.schools.SchoolRegistered.v1';
  static readonly topic = TOPICS.schools;
  static readonly description = 'A vocational high school joined Tremplin.';

  @IsUUID() schoolId: string;
  @IsUai() uai: string;
  @IsAcademy() academy: string;
  /** The school's official name (an institution, not a person). */
  @IsString() @Length(1, 200) schoolName: string;
  @IsCommune() communeCode: string;
  @IsBoolean() priorityEducation: boolean;

  partitionKey(): string {
    return this.schoolId;
  }
}

export class OfficeManagerAssigned extends IntegrationEvent {
  static readonly type = 'fr.tremplin.schools.OfficeManagerAssigned.v1';
  static readonly topic = TOPICS.schools;
  static readonly description =
    "An office manager now covers a school's business office (one manager may cover several schools).";

  @IsUUID() schoolId: string;
  @IsUUID() officeManagerId: string;
  @IsAcademy() academy: string;
  @IsISO8601({ strict: true }) assignedAt: string;

  partitionKey(): string {
    return this.schoolId;
  }
}

export class PfmpPeriodScheduled extends IntegrationEvent {
  static readonly type = 'fr.tremplin.schools.PfmpPeriodScheduled.v1';
  static readonly topic = TOPICS.calendar;
  static readonly description =
    "A PFMP period was set for a class and school year (the school's shared calendar).";

  @IsUUID() periodId: string;
  @IsUUID() classId: string;
  @IsUUID() schoolId: string;
  @IsAcademy() academy: string;
  /** e.g. 2025-2026 */
  @IsString() @Length(9, 9) schoolYear: string;
  @IsIn(LEVELS) level: Level;
  /** Code diplôme (CFD) the class prepares. */
  @IsCfd() diploma: string;
  @IsCalendarDate() startDate: string;
  @IsCalendarDate() endDate: string;
  @IsInt() @Min(1) @Max(22) weeks: number;

  partitionKey(): string {
    return this.classId;
  }
}

export class PfmpPeriodChanged extends IntegrationEvent {
  static readonly type = 'fr.tremplin.schools.PfmpPeriodChanged.v1';
  static readonly topic = TOPICS.calendar;
  static readonly description =
    'An announced PFMP period of a class was given new dates or weeks; carries the full current period.';

  /** The periodId of the PfmpPeriodScheduled that announced it. */
  @IsUUID() periodId: string;
  @IsUUID() classId: string;
  @IsUUID() schoolId: string;
  @IsAcademy() academy: string;
  /** e.g. 2025-2026 */
  @IsString() @Length(9, 9) schoolYear: string;
  @IsIn(LEVELS) level: Level;
  /** Code diplôme (CFD) the class prepares. */
  @IsCfd() diploma: string;
  /** The new first day. */
  @IsCalendarDate() startDate: string;
  /** The new last day (inclusive). */
  @IsCalendarDate() endDate: string;
  /** The weeks of PFMP the period now requires. */
  @IsInt() @Min(1) @Max(22) weeks: number;

  partitionKey(): string {
    return this.classId;
  }
}

/** Why a school cancelled a PFMP period. */
export const PFMP_CANCELLATION_REASONS = [
  'calendar-changed',
  'class-closed',
  'scheduled-in-error',
  'other',
] as const;
export type PfmpCancellationReason = (typeof PFMP_CANCELLATION_REASONS)[number];

export class PfmpPeriodCancelled extends IntegrationEvent {
  static readonly type = 'fr.tremplin.schools.PfmpPeriodCancelled.v1';
  static readonly topic = TOPICS.calendar;
  static readonly description =
    'An announced PFMP period of a class was cancelled: no placement for it any more.';

  /** The periodId of the PfmpPeriodScheduled that announced it. */
  @IsUUID() periodId: string;
  @IsUUID() classId: string;
  @IsUUID() schoolId: string;
  @IsAcademy() academy: string;
  /** The cancelled period's first day. */
  @IsCalendarDate() startDate: string;
  /** The cancelled period's last day (inclusive). */
  @IsCalendarDate() endDate: string;
  @IsIn(PFMP_CANCELLATION_REASONS) reason: PfmpCancellationReason;
  @IsISO8601({ strict: true }) cancelledAt: string;

  partitionKey(): string {
    return this.classId;
  }
}

/** Attributes of a student that matching needs; never a name or contact detail. */
abstract class StudentSnapshot extends IntegrationEvent {
  @IsUUID() studentId: string;
  @IsUUID() schoolId: string;
  @IsUUID() classId: string;
  @IsAcademy() academy: string;
  @IsIn(LEVELS) level: Level;
  /** Code diplôme (CFD) the student prepares. */
  @IsCfd() diploma: string;
  /** Home location rounded to the commune (INSEE code of the student's home commune). */
  @IsCommune() communeCode: string;
  @IsInt() @Min(0) @Max(200) mobilityRadiusKm: number;
  /** Needed for the rules on minors at work (age on a period's first day). */
  @IsCalendarDate() birthDate: string;
  /**
   * Whether the student's family or contacts give them a professional network; students without
   * one come first for scarce seats.
   */
  @IsBoolean() hasProfessionalNetwork: boolean;
  /** Other grounds for priority; any flag raises the student's priority. */
  @IsArray() @ArrayUnique() @IsIn(PRIORITY_FLAGS, { each: true }) priorityFlags: PriorityFlag[];

  partitionKey(): string {
    return this.studentId;
  }
}

export class StudentRegistered extends StudentSnapshot {
  static readonly type = 'fr.tremplin.schools.StudentRegistered.v1';
  static readonly topic = TOPICS.students;
  static readonly description = 'A student was enrolled in a class followed by a business office.';
}

export class StudentProfileUpdated extends StudentSnapshot {
  static readonly type = 'fr.tremplin.schools.StudentProfileUpdated.v1';
  static readonly topic = TOPICS.students;
  static readonly description = "A student's profile changed; carries the full current profile.";
}

export class StudentErased extends IntegrationEvent {
  static readonly type = 'fr.tremplin.schools.StudentErased.v1';
  static readonly topic = TOPICS.students;
  static readonly description =
    'A student asked for erasure: every service deletes or anonymises what it holds about them.';

  @IsUUID() studentId: string;
  @IsAcademy() academy: string;
  @IsISO8601({ strict: true }) erasedAt: string;

  partitionKey(): string {
    return this.studentId;
  }
}

export class AgreementSigned extends IntegrationEvent {
  static readonly type = 'fr.tremplin.schools.AgreementSigned.v1';
  static readonly topic = TOPICS.agreements;
  static readonly description = 'A PFMP agreement has every required signature.';

  @IsUUID() agreementId: string;
  @IsUUID() placementId: string;
  @IsUUID() studentId: string;
  @IsUUID() companyId: string;
  @IsUUID() schoolId: string;
  @IsUUID() periodId: string;
  @IsAcademy() academy: string;
  @IsISO8601({ strict: true }) signedAt: string;

  partitionKey(): string {
    return this.agreementId;
  }
}

export class AllowanceComputed extends IntegrationEvent {
  static readonly type = 'fr.tremplin.schools.AllowanceComputed.v1';
  static readonly topic = TOPICS.agreements;
  static readonly description =
    'The allowance owed for a completed period (days completed x daily rate, décret 2023-765).';

  @IsUUID() allowanceId: string;
  @IsUUID() agreementId: string;
  @IsUUID() studentId: string;
  @IsUUID() periodId: string;
  @IsAcademy() academy: string;
  @IsIn(LEVELS) level: Level;
  @IsInt() @Min(0) @Max(200) daysCompleted: number;
  @IsInt() @Min(0) dailyRateCents: number;
  @IsInt() @Min(0) amountCents: number;
  @IsIn(['EUR']) currency: 'EUR';

  partitionKey(): string {
    return this.agreementId;
  }
}
