import { Module } from '@nestjs/common';
import { ClassesController } from './classes.controller';
import { OpenClass } from './open-class/open-class';
import { SchedulePfmpPeriod } from './schedule-pfmp-period/schedule-pfmp-period';

/** Classes and their PFMP periods (the school's shared calendar): opening, scheduling, reading. */
@Module({
  controllers: [ClassesController],
  providers: [OpenClass, SchedulePfmpPeriod],
})
export class ClassesModule {}
