import { Injectable } from '@nestjs/common';
import type { PfmpCancellationReason } from '@tremplin/contracts';
import { Outbox } from '@tremplin/messaging';
import {
  InvalidTransition,
  NotFound,
  scopedRepository,
  UseCase,
  UseCaseContext,
} from '@tremplin/platform';
import { lockClass } from '../class-lock';
import { PfmpPeriodView, toPfmpPeriodView } from '../class.view';
import { PfmpPeriod } from '../pfmp-period.entity';
import { cancelled } from '../pfmp-events';

export interface CancelPfmpPeriodCommand {
  classId: string;
  periodId: string;
  reason: PfmpCancellationReason;
}

/**
 * Cancels a scheduled period of a class of the caller's scope (else NotFound): the period is
 * kept, with its status, reason and date, and no longer counts in the class's calendar (another
 * may take its days). Announced as PfmpPeriodCancelled (through the outbox, in the same
 * transaction); cancelling twice is refused (InvalidTransition). The class is locked, as when
 * scheduling, so that a cancellation and a reschedule of one period run one after the other.
 */
@Injectable()
export class CancelPfmpPeriod implements UseCase<CancelPfmpPeriodCommand, PfmpPeriodView> {
  constructor(private readonly outbox: Outbox) {}

  async execute(
    command: CancelPfmpPeriodCommand,
    context: UseCaseContext,
  ): Promise<PfmpPeriodView> {
    const schoolClass = await lockClass(context, command.classId);
    const periods = scopedRepository(context, PfmpPeriod, 'PFMP period');
    const current = await periods.findOneBy({ id: command.periodId, classId: schoolClass.id });
    if (!current) throw new NotFound('PFMP period', command.periodId);
    if (current.status !== 'scheduled')
      throw new InvalidTransition('PFMP period', current.status, 'cancelled');
    const period = await periods.update(current.id, {
      status: 'cancelled',
      cancellationReason: command.reason,
      cancelledAt: new Date(),
    });
    await this.outbox.publish(context.manager, cancelled(schoolClass, period));
    return toPfmpPeriodView(period);
  }
}
