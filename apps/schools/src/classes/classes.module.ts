import { Module } from '@nestjs/common';
import { CancelPfmpPeriod } from './cancel-pfmp-period/cancel-pfmp-period';
import { ClassesController } from './classes.controller';
import { OpenClass } from './open-class/open-class';
import { ReschedulePfmpPeriod } from './reschedule-pfmp-period/reschedule-pfmp-period';
import { SchedulePfmpPeriod } from './schedule-pfmp-period/schedule-pfmp-period';

/** Classes and their PFMP periods (the school's shared calendar): opening, scheduling, rescheduling, cancelling, reading. */
@Module({
  controllers: [ClassesController],
  providers: [OpenClass, SchedulePfmpPeriod, ReschedulePfmpPeriod, CancelPfmpPeriod],
})
export class ClassesModule {}
