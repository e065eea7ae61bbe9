import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { serviceFoundation } from '@tremplin/messaging';
import { CompaniesController } from './companies/companies.controller';
import { Company } from './companies/company.entity';
import { RegisterCompany } from './companies/register-company/register-company';
import { CreateCompanies1764331200000 } from './migrations/1764331200000-create-companies';

@Module({
  imports: [
    ...serviceFoundation({
      service: 'companies',
      database: { entities: [Company], migrations: [CreateCompanies1764331200000] },
    }),
    TypeOrmModule.forFeature([Company]),
  ],
  controllers: [CompaniesController],
  providers: [RegisterCompany],
})
export class CompaniesModule {}
