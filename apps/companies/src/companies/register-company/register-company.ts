import { HttpStatus, Injectable } from '@nestjs/common';
import { CompanyRegistered } from '@tremplin/contracts';
import { Outbox } from '@tremplin/messaging';
import { ProblemException } from '@tremplin/platform';
import { DataSource } from 'typeorm';
import { Company } from '../company.entity';
import { RegisterCompanyDto } from './register-company.dto';

/** Registers a company site and announces it, in one transaction (the outbox). */
@Injectable()
export class RegisterCompany {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  execute(dto: RegisterCompanyDto): Promise<Company> {
    return this.dataSource.transaction(async (manager) => {
      if (await manager.existsBy(Company, { siret: dto.siret })) {
        throw new ProblemException(
          HttpStatus.CONFLICT,
          `A company with SIRET ${dto.siret} is already registered`,
          {
            errors: [{ field: 'siret', messages: ['already registered'] }],
          },
        );
      }
      const company = await manager.save(Company, manager.create(Company, dto));
      await this.outbox.publish(
        manager,
        CompanyRegistered.of({
          companyId: company.id,
          siret: company.siret,
          legalName: company.name,
          nafCode: company.nafCode,
          nafRevision: company.nafRevision,
          communeCode: company.communeInsee,
          academy: company.academyCode,
        }),
      );
      return company;
    });
  }
}
