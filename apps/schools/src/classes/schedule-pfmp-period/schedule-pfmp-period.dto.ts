import { ApiProperty } from '@nestjs/swagger';
import { IsCalendarDate } from '@tremplin/contracts';
import { IsInt, Max, Min, ValidateBy } from 'class-validator';
import { MAX_PERIOD_WEEKS, PeriodInput, periodProblem } from '../class-rules';
import type { SchedulePfmpPeriodCommand } from './schedule-pfmp-period';

/**
 * This field's own problem among the period's rules (class-rules.ts), as a validation rule;
 * checked once the three fields are all there and well typed.
 */
export const PeriodRule = (field: keyof PeriodInput) =>
  ValidateBy({
    name: `period-${field}`,
    validator: {
      validate: (_value, args) => periodProblemOf(args?.object)?.field !== field,
      defaultMessage: (args) => `${field}: ${periodProblemOf(args?.object)?.message}`,
    },
  });

function periodProblemOf(object: unknown) {
  const period = object as PeriodInput;
  if (typeof period.weeks !== 'number' || !Number.isInteger(period.weeks)) return undefined;
  if (typeof period.startDate !== 'string' || typeof period.endDate !== 'string') return undefined;
  return periodProblem(period);
}

/** One PFMP period of a class, as the API takes it. */
export class PfmpPeriodDto implements PeriodInput {
  @ApiProperty({ example: '2027-01-11', description: 'First day, inside the school year' })
  @IsCalendarDate()
  @PeriodRule('startDate')
  startDate: string;

  @ApiProperty({
    example: '2027-02-05',
    description: 'Last day (inclusive), not before startDate, inside the school year',
  })
  @IsCalendarDate()
  @PeriodRule('endDate')
  endDate: string;

  @ApiProperty({
    example: 4,
    minimum: 1,
    maximum: MAX_PERIOD_WEEKS,
    description: 'Weeks of PFMP required: at most the weeks the period spans (started weeks)',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_PERIOD_WEEKS)
  @PeriodRule('weeks')
  weeks: number;

  toPeriod(): PeriodInput {
    return { startDate: this.startDate, endDate: this.endDate, weeks: this.weeks };
  }
}

/** `POST /api/v1/classes/{id}/pfmp-periods`; the school year and overlaps are the class's. */
export class SchedulePfmpPeriodDto extends PfmpPeriodDto {
  toCommand(classId: string): SchedulePfmpPeriodCommand {
    return { classId, period: this.toPeriod() };
  }
}
