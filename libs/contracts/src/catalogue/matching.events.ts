import { IsIn, IsInt, IsISO8601, IsNumber, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { IntegrationEvent } from '../integration-event';
import { TOPICS } from '../topics';
import { IsAcademy, IsCalendarDate } from './rules';

export class MatchProposed extends IntegrationEvent {
  static readonly type = 'fr.tremplin.matching.MatchProposed.v1';
  static readonly topic = TOPICS.proposals;
  static readonly description = 'An assignment run proposed an internship to a student.';

  @IsUUID() proposalId: string;
  @IsUUID() runId: string;
  @IsUUID() studentId: string;
  @IsUUID() internshipId: string;
  @IsUUID() companyId: string;
  @IsAcademy() academy: string;
  @IsNumber() @Min(0) @Max(1) score: number;
  @IsISO8601({ strict: true }) expiresAt: string;

  partitionKey(): string {
    return this.studentId;
  }
}

export const DECLINERS = ['student', 'company', 'office-manager'] as const;

export class MatchDeclined extends IntegrationEvent {
  static readonly type = 'fr.tremplin.matching.MatchDeclined.v1';
  static readonly topic = TOPICS.proposals;
  static readonly description =
    'A proposal was declined by the student, the company or the office manager.';

  @IsUUID() proposalId: string;
  @IsUUID() studentId: string;
  @IsUUID() internshipId: string;
  @IsAcademy() academy: string;
  @IsIn(DECLINERS) declinedBy: (typeof DECLINERS)[number];

  partitionKey(): string {
    return this.studentId;
  }
}

export class MatchExpired extends IntegrationEvent {
  static readonly type = 'fr.tremplin.matching.MatchExpired.v1';
  static readonly topic = TOPICS.proposals;
  static readonly description = 'A proposal got no answer before its deadline.';

  @IsUUID() proposalId: string;
  @IsUUID() studentId: string;
  @IsUUID() internshipId: string;
  @IsAcademy() academy: string;

  partitionKey(): string {
    return this.studentId;
  }
}

export class StudentPlaced extends IntegrationEvent {
  static readonly type = 'fr.tremplin.matching.StudentPlaced.v1';
  static readonly topic = TOPICS.placements;
  static readonly description =
    'A student and a company accepted a proposal: a seat is taken for the period.';

  @IsUUID() placementId: string;
  @IsOptional() @IsUUID() proposalId?: string;
  @IsUUID() studentId: string;
  @IsUUID() internshipId: string;
  @IsUUID() companyId: string;
  @IsUUID() schoolId: string;
  @IsAcademy() academy: string;
  @IsCalendarDate() startDate: string;
  @IsCalendarDate() endDate: string;

  partitionKey(): string {
    return this.studentId;
  }
}

export class PlacementCancelled extends IntegrationEvent {
  static readonly type = 'fr.tremplin.matching.PlacementCancelled.v1';
  static readonly topic = TOPICS.placements;
  static readonly description = 'A placement was cancelled: its seat is free again.';

  @IsUUID() placementId: string;
  @IsUUID() studentId: string;
  @IsUUID() internshipId: string;
  @IsUUID() companyId: string;
  @IsAcademy() academy: string;
  @IsIn(['student', 'company', 'school']) cancelledBy: 'student' | 'company' | 'school';

  partitionKey(): string {
    return this.studentId;
  }
}

export class MatchingRunCompleted extends IntegrationEvent {
  static readonly type = 'fr.tremplin.matching.MatchingRunCompleted.v1';
  static readonly topic = TOPICS.runs;
  static readonly description = 'An assignment run over one academy finished.';

  @IsUUID() runId: string;
  @IsAcademy() academy: string;
  @IsISO8601({ strict: true }) startedAt: string;
  @IsISO8601({ strict: true }) completedAt: string;
  @IsInt() @Min(0) proposals: number;
  @IsInt() @Min(0) unplacedStudents: number;
  /** Placed students / students with a PFMP period this year, between 0 and 1. */
  @IsNumber() @Min(0) @Max(1) placementRate: number;

  partitionKey(): string {
    return this.academy;
  }
}
