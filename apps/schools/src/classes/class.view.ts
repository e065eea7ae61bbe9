import { ApiProperty } from '@nestjs/swagger';
import {
  LEVELS,
  PFMP_CANCELLATION_REASONS,
  type Level,
  type PfmpCancellationReason,
} from '@tremplin/contracts';
import { PFMP_PERIOD_STATUSES, type PfmpPeriod, type PfmpPeriodStatus } from './pfmp-period.entity';
import type { SchoolClass } from './school-class.entity';

/** A PFMP period as the API shows it. */
export class PfmpPeriodView {
  @ApiProperty({ format: 'uuid', description: 'The periodId of PfmpPeriodScheduled' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  classId: string;

  @ApiProperty({ example: '2027-01-11', description: 'First day' })
  startDate: string;

  @ApiProperty({ example: '2027-02-05', description: 'Last day (inclusive)' })
  endDate: string;

  @ApiProperty({ example: 4, description: 'Weeks of PFMP required' })
  weeks: number;

  @ApiProperty({
    enum: PFMP_PERIOD_STATUSES,
    description: 'A cancelled period is kept, and no longer counts in the class calendar',
  })
  status: PfmpPeriodStatus;

  @ApiProperty({ enum: PFMP_CANCELLATION_REASONS, nullable: true })
  cancellationReason: PfmpCancellationReason | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  cancelledAt: Date | null;
}

/** A class as the API shows it, with its PFMP periods in calendar order, cancelled ones included. */
export class ClassView {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  schoolId: string;

  @ApiProperty({ example: '0310001A' })
  uai: string;

  @ApiProperty({ example: '16' })
  academy: string;

  @ApiProperty({ example: '2nde MRC A' })
  name: string;

  @ApiProperty({ example: '2026-2027' })
  schoolYear: string;

  @ApiProperty({ example: '40025214', description: 'Code diplôme (CFD)' })
  diploma: string;

  @ApiProperty({ enum: LEVELS })
  level: Level;

  @ApiProperty({ type: String, nullable: true, example: 'Métiers du commerce et de la vente' })
  specialty: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'Métiers de la relation client' })
  familleDeMetiers: string | null;

  @ApiProperty({ type: [PfmpPeriodView] })
  pfmpPeriods: PfmpPeriodView[];

  @ApiProperty({ format: 'date-time' })
  createdAt: Date;
}

export function toPfmpPeriodView(period: PfmpPeriod): PfmpPeriodView {
  const { id, classId, startDate, endDate, weeks, status } = period;
  // A row just inserted carries its database defaults, not the nulls it was not given.
  const cancellationReason = period.cancellationReason ?? null;
  const cancelledAt = period.cancelledAt ?? null;
  return { id, classId, startDate, endDate, weeks, status, cancellationReason, cancelledAt };
}

/** The class's view, with those of `periods` that are its own, in calendar order. */
export function toClassView(schoolClass: SchoolClass, periods: readonly PfmpPeriod[]): ClassView {
  const { id, schoolId, uai, academy, name, schoolYear, diploma, level, specialty } = schoolClass;
  return {
    id,
    schoolId,
    uai,
    academy,
    name,
    schoolYear,
    diploma,
    level,
    specialty,
    familleDeMetiers: schoolClass.familleDeMetiers,
    pfmpPeriods: periods
      .filter((period) => period.classId === id)
      .sort((a, b) => a.startDate.localeCompare(b.startDate))
      .map(toPfmpPeriodView),
    createdAt: schoolClass.createdAt,
  };
}
