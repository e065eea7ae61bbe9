import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  KafkaReadinessCheck,
  MessagingModule,
  messagingEntities,
  messagingMigrations,
} from '@tremplin/messaging';
import { PlatformModule } from '@tremplin/platform';
import { CompaniesController } from './companies/companies.controller';
import { Company } from './companies/company.entity';
import { RegisterCompany } from './companies/register-company/register-company';
import { CreateCompanies1764331200000 } from './migrations/1764331200000-create-companies';

@Module({
  imports: [
    PlatformModule.forRoot({
      service: 'companies',
      database: {
        entities: [Company, ...messagingEntities],
        migrations: [...messagingMigrations, CreateCompanies1764331200000],
      },
      readiness: [KafkaReadinessCheck],
    }),
    MessagingModule.forRoot({ service: 'companies' }),
    TypeOrmModule.forFeature([Company]),
  ],
  controllers: [CompaniesController],
  providers: [RegisterCompany],
})
export class CompaniesModule {}
