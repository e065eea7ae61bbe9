import { HttpStatus, Injectable } from '@nestjs/common';
import { SchoolRegistered } from '@tremplin/contracts';
import { Outbox } from '@tremplin/messaging';
import { ProblemException } from '@tremplin/platform';
import { DataSource } from 'typeorm';
import { School } from '../school.entity';
import { RegisterSchoolDto } from './register-school.dto';

/** Registers a school and announces it, in one transaction (the outbox). */
@Injectable()
export class RegisterSchool {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  execute(dto: RegisterSchoolDto): Promise<School> {
    return this.dataSource.transaction(async (manager) => {
      if (await manager.existsBy(School, { uai: dto.uai })) {
        throw new ProblemException(
          HttpStatus.CONFLICT,
          `A school with UAI ${dto.uai} is already registered`,
          {
            errors: [{ field: 'uai', messages: ['already registered'] }],
          },
        );
      }
      const school = await manager.save(School, manager.create(School, dto));
      await this.outbox.publish(
        manager,
        SchoolRegistered.of({
          schoolId: school.id,
          uai: school.uai,
          academy: school.academyCode,
          schoolName: school.name,
          communeCode: school.communeInsee,
          priorityEducation: school.priorityEducation,
        }),
      );
      return school;
    });
  }
}
