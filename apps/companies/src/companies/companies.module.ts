import { Module } from '@nestjs/common';
import { CompaniesController } from './companies.controller';
import { RegisterCompany } from './register-company/register-company';

/** Companies: registering their sites, reading them. */
@Module({
  controllers: [CompaniesController],
  providers: [RegisterCompany],
})
export class CompaniesModule {}
