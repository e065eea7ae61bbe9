import { Injectable } from '@nestjs/common';
import { CompanyRegistered } from '@tremplin/contracts';
import { Outbox } from '@tremplin/messaging';
import { AlreadyRegistered, scopedRepository, UseCase, UseCaseContext } from '@tremplin/platform';
import { Company } from '../company.entity';
import { CompanyView, toCompanyView } from '../company.view';

export interface RegisterCompanyCommand {
  siret: string;
  legalName: string;
  nafCode: string;
  nafRevision: 'rev2' | 'naf2025';
  communeCode: string;
  academy: string;
}

/** Registers a company site and announces it (CompanyRegistered, through the outbox). */
@Injectable()
export class RegisterCompany implements UseCase<RegisterCompanyCommand, CompanyView> {
  constructor(private readonly outbox: Outbox) {}

  async execute(command: RegisterCompanyCommand, context: UseCaseContext): Promise<CompanyView> {
    const { manager } = context;
    // Across every academy: a SIRET is national.
    if (await manager.existsBy(Company, { siret: command.siret }))
      throw new AlreadyRegistered('company', 'siret', command.siret);
    const company = await scopedRepository(context, Company, 'company').insert(command);
    await this.outbox.publish(
      manager,
      CompanyRegistered.of({
        companyId: company.id,
        siret: company.siret,
        legalName: company.legalName,
        nafCode: company.nafCode,
        nafRevision: company.nafRevision,
        communeCode: company.communeCode,
        academy: company.academy,
      }),
    );
    return toCompanyView(company);
  }
}
