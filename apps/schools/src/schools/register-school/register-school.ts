import { Injectable } from '@nestjs/common';
import { SchoolRegistered } from '@tremplin/contracts';
import { Outbox } from '@tremplin/messaging';
import { AlreadyRegistered, scopedRepository, UseCase, UseCaseContext } from '@tremplin/platform';
import { School } from '../school.entity';
import { SchoolView, toSchoolView } from '../school.view';

export interface RegisterSchoolCommand {
  uai: string;
  name: string;
  academy: string;
  communeCode: string;
  priorityEducation: boolean;
}

/** Registers a school and announces it (SchoolRegistered, through the outbox). */
@Injectable()
export class RegisterSchool implements UseCase<RegisterSchoolCommand, SchoolView> {
  constructor(private readonly outbox: Outbox) {}

  async execute(command: RegisterSchoolCommand, context: UseCaseContext): Promise<SchoolView> {
    const { manager } = context;
    // Across every academy: a UAI is national.
    if (await manager.existsBy(School, { uai: command.uai }))
      throw new AlreadyRegistered('school', 'uai', command.uai);
    const school = await scopedRepository(context, School, 'school').insert(command);
    await this.outbox.publish(
      manager,
      SchoolRegistered.of({
        schoolId: school.id,
        uai: school.uai,
        academy: school.academy,
        schoolName: school.name,
        communeCode: school.communeCode,
        priorityEducation: school.priorityEducation,
      }),
    );
    return toSchoolView(school);
  }
}
