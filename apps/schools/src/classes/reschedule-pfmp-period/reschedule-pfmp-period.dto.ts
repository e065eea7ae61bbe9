import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsCalendarDate } from '@tremplin/contracts';
import { IsInt, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { isCalendarDay, MAX_PERIOD_WEEKS, PeriodInput } from '../class-rules';
import { PeriodRule } from '../schedule-pfmp-period/schedule-pfmp-period.dto';
import type { ReschedulePfmpPeriodCommand } from './reschedule-pfmp-period';

/** A day of the calendar (not 2027-02-30), checked even when the other fields are left out. */
const IsCalendarDay = () =>
  ValidateBy({
    name: 'calendar-day',
    validator: {
      validate: (value) => isCalendarDay(value),
      defaultMessage: (args) => `${args?.property}: ${args?.value} is not a day of the calendar`,
    },
  });

/**
 * `PATCH /api/v1/classes/{id}/pfmp-periods/{periodId}`: the new first day, last day and/or
 * weeks; a field left out keeps its value. The period's rules are checked here when the three
 * are given, and always by the use case on the period as it would become.
 */
export class ReschedulePfmpPeriodDto implements Partial<PeriodInput> {
  @ApiPropertyOptional({
    example: '2027-01-18',
    description: 'New first day, inside the school year',
  })
  @IsOptional()
  @IsCalendarDate()
  @IsCalendarDay()
  @PeriodRule('startDate')
  startDate?: string;

  @ApiPropertyOptional({
    example: '2027-02-12',
    description: 'New last day (inclusive), not before the first, inside the school year',
  })
  @IsOptional()
  @IsCalendarDate()
  @IsCalendarDay()
  @PeriodRule('endDate')
  endDate?: string;

  @ApiPropertyOptional({
    example: 4,
    minimum: 1,
    maximum: MAX_PERIOD_WEEKS,
    description: 'New weeks of PFMP required: at most the weeks the period spans',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PERIOD_WEEKS)
  @PeriodRule('weeks')
  weeks?: number;

  toCommand(classId: string, periodId: string): ReschedulePfmpPeriodCommand {
    const changes: Partial<PeriodInput> = {};
    if (this.startDate !== undefined) changes.startDate = this.startDate;
    if (this.endDate !== undefined) changes.endDate = this.endDate;
    if (this.weeks !== undefined) changes.weeks = this.weeks;
    return { classId, periodId, changes };
  }
}
