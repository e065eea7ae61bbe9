import { Injectable } from '@nestjs/common';
import { Outbox } from '@tremplin/messaging';
import { RuleViolated, scopedRepository, UseCase, UseCaseContext } from '@tremplin/platform';
import { lockClass } from '../class-lock';
import { outsideSchoolYear, overlapProblem, PeriodInput, periodProblem } from '../class-rules';
import { PfmpPeriodView, toPfmpPeriodView } from '../class.view';
import { PfmpPeriod } from '../pfmp-period.entity';
import { scheduled } from '../pfmp-events';
import type { SchoolClass } from '../school-class.entity';

export interface SchedulePfmpPeriodCommand {
  classId: string;
  period: PeriodInput;
}

/**
 * The rules of a new period of a class, for every door: its own (class-rules.ts), inside the
 * class's school year, overlapping none of the class's other scheduled periods (stored, or
 * scheduled with it; a cancelled period no longer counts).
 * `field` prefixes the field named in the error (`pfmpPeriods.0` when opening a class).
 */
export function assertPeriodFits(
  schoolClass: SchoolClass,
  period: PeriodInput,
  others: readonly PeriodInput[],
  field?: string,
): void {
  const name = (own: string) => (field ? `${field}.${own}` : own);
  const own = periodProblem(period);
  if (own) throw new RuleViolated(name(own.field), own.message);
  const year = outsideSchoolYear(period, schoolClass.schoolYear);
  if (year) throw new RuleViolated(name('startDate'), year);
  for (const other of others) {
    const overlap = overlapProblem([other, period]);
    if (overlap) throw new RuleViolated(name('startDate'), overlap);
  }
}

/**
 * Adds a PFMP period to a class of the caller's scope (else NotFound) and announces it
 * (PfmpPeriodScheduled, through the outbox, in the same transaction). The class is locked, so
 * that two periods scheduled at once cannot overlap.
 */
@Injectable()
export class SchedulePfmpPeriod implements UseCase<SchedulePfmpPeriodCommand, PfmpPeriodView> {
  constructor(private readonly outbox: Outbox) {}

  async execute(
    command: SchedulePfmpPeriodCommand,
    context: UseCaseContext,
  ): Promise<PfmpPeriodView> {
    const schoolClass = await lockClass(context, command.classId);
    const periods = scopedRepository(context, PfmpPeriod, 'PFMP period');
    const existing = await periods.find({ classId: schoolClass.id, status: 'scheduled' });
    assertPeriodFits(schoolClass, command.period, existing);
    const period = await periods.insert({
      ...command.period,
      classId: schoolClass.id,
      uai: schoolClass.uai,
      academy: schoolClass.academy,
    });
    await this.outbox.publish(context.manager, scheduled(schoolClass, period));
    return toPfmpPeriodView(period);
  }
}
