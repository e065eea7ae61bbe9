import { Injectable } from '@nestjs/common';
import { SchoolRegistered } from '@tremplin/contracts';
import { Outbox } from '@tremplin/messaging';
import { AlreadyRegistered, UseCase, UseCaseContext } from '@tremplin/platform';
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

  async execute(command: RegisterSchoolCommand, { manager }: UseCaseContext): Promise<SchoolView> {
    if (await manager.existsBy(School, { uai: command.uai }))
      throw new AlreadyRegistered('school', 'uai', command.uai);
    const school = await manager.save(School, manager.create(School, command));
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
