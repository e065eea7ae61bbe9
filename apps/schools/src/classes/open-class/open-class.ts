import { Injectable } from '@nestjs/common';
import type { Level } from '@tremplin/contracts';
import { Outbox } from '@tremplin/messaging';
import {
  AlreadyRegistered,
  NotAllowed,
  RuleViolated,
  scopedRepository,
  UseCase,
  UseCaseContext,
} from '@tremplin/platform';
import { School } from '../../schools/school.entity';
import { levelProblem, PeriodInput, schoolYearProblem } from '../class-rules';
import { ClassView, toClassView } from '../class.view';
import { PfmpPeriod } from '../pfmp-period.entity';
import { scheduled } from '../pfmp-events';
import { assertPeriodFits } from '../schedule-pfmp-period/schedule-pfmp-period';
import { SchoolClass } from '../school-class.entity';

export interface OpenClassCommand {
  schoolId: string;
  name: string;
  schoolYear: string;
  diploma: string;
  level: Level;
  specialty: string | null;
  familleDeMetiers: string | null;
  /** Periods scheduled with the class (each announced as PfmpPeriodScheduled). */
  pfmpPeriods: PeriodInput[];
}

/**
 * Opens a class of a school in the caller's scope for a school year, with its first PFMP
 * periods if given (one PfmpPeriodScheduled each, through the outbox, in the same transaction).
 * A school outside the scope is a 403 (a school is public: saying so discloses nothing); a
 * class name is unique in its school and school year.
 */
@Injectable()
export class OpenClass implements UseCase<OpenClassCommand, ClassView> {
  constructor(private readonly outbox: Outbox) {}

  async execute(command: OpenClassCommand, context: UseCaseContext): Promise<ClassView> {
    const { manager } = context;
    const { schoolId, pfmpPeriods, ...fields } = command;
    const school = await scopedRepository(context, School, 'school').findOneBy({ id: schoolId });
    if (!school) {
      if (await manager.exists(School, { where: { id: schoolId } }))
        throw new NotAllowed('You may not open a class in a school outside your scope');
      throw new RuleViolated('schoolId', `No school with id ${schoolId}`);
    }
    const year = schoolYearProblem(command.schoolYear);
    if (year) throw new RuleViolated('schoolYear', year);
    const level = levelProblem(command);
    if (level) throw new RuleViolated(level.field, level.message);
    const classes = scopedRepository(context, SchoolClass, 'class');
    if (await classes.exists({ schoolId, schoolYear: command.schoolYear, name: command.name }))
      throw new AlreadyRegistered(`class of ${command.schoolYear}`, 'name', command.name);

    const schoolClass = await classes.insert({
      ...fields,
      schoolId: school.id,
      uai: school.uai,
      academy: school.academy,
    });
    const periods = scopedRepository(context, PfmpPeriod, 'PFMP period');
    const saved: PfmpPeriod[] = [];
    for (const [index, period] of pfmpPeriods.entries()) {
      assertPeriodFits(schoolClass, period, saved, `pfmpPeriods.${index}`);
      saved.push(
        await periods.insert({
          ...period,
          classId: schoolClass.id,
          uai: schoolClass.uai,
          academy: schoolClass.academy,
        }),
      );
    }
    await this.outbox.publish(
      manager,
      saved.map((period) => scheduled(schoolClass, period)),
    );
    return toClassView(schoolClass, saved);
  }
}
