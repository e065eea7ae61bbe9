import { Injectable } from '@nestjs/common';
import { Outbox } from '@tremplin/messaging';
import {
  InvalidTransition,
  NotFound,
  scopedRepository,
  UseCase,
  UseCaseContext,
} from '@tremplin/platform';
import { Not } from 'typeorm';
import { lockClass } from '../class-lock';
import type { PeriodInput } from '../class-rules';
import { PfmpPeriodView, toPfmpPeriodView } from '../class.view';
import { PfmpPeriod } from '../pfmp-period.entity';
import { changed } from '../pfmp-events';
import { assertPeriodFits } from '../schedule-pfmp-period/schedule-pfmp-period';

export interface ReschedulePfmpPeriodCommand {
  classId: string;
  periodId: string;
  /** The new first day, last day and/or weeks; what is left out keeps its value. */
  changes: Partial<PeriodInput>;
}

/**
 * Gives a scheduled period of a class of the caller's scope new dates and/or weeks (else
 * NotFound), under the rules of scheduling: its own, inside the school year, overlapping none of
 * the class's other scheduled periods. Announced as PfmpPeriodChanged (through the outbox, in
 * the same transaction); a change to nothing announces nothing. A cancelled period is not
 * rescheduled (InvalidTransition). The class is locked, as when scheduling, so that a period
 * rescheduled and another scheduled at once cannot overlap.
 */
@Injectable()
export class ReschedulePfmpPeriod implements UseCase<ReschedulePfmpPeriodCommand, PfmpPeriodView> {
  constructor(private readonly outbox: Outbox) {}

  async execute(
    command: ReschedulePfmpPeriodCommand,
    context: UseCaseContext,
  ): Promise<PfmpPeriodView> {
    const schoolClass = await lockClass(context, command.classId);
    const periods = scopedRepository(context, PfmpPeriod, 'PFMP period');
    const current = await periods.findOneBy({ id: command.periodId, classId: schoolClass.id });
    if (!current) throw new NotFound('PFMP period', command.periodId);
    if (current.status !== 'scheduled')
      throw new InvalidTransition('PFMP period', current.status, 'rescheduled');
    const next: PeriodInput = {
      startDate: command.changes.startDate ?? current.startDate,
      endDate: command.changes.endDate ?? current.endDate,
      weeks: command.changes.weeks ?? current.weeks,
    };
    const others = await periods.find({
      classId: schoolClass.id,
      status: 'scheduled',
      id: Not(current.id),
    });
    assertPeriodFits(schoolClass, next, others);
    if (
      next.startDate === current.startDate &&
      next.endDate === current.endDate &&
      next.weeks === current.weeks
    )
      return toPfmpPeriodView(current);
    const period = await periods.update(current.id, next);
    await this.outbox.publish(context.manager, changed(schoolClass, period));
    return toPfmpPeriodView(period);
  }
}
