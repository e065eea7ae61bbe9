import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  DatabaseModule,
  DatabaseReadinessCheck,
  PlatformModule,
  RedisModule,
  RedisReadinessCheck,
} from '@tremplin/platform';
import { CompaniesController } from './companies/companies.controller';
import { Company } from './companies/company.entity';
import { CreateCompanies1764331200000 } from './migrations/1764331200000-create-companies';

@Module({
  imports: [
    PlatformModule.forRoot({
      service: 'companies',
      readiness: [DatabaseReadinessCheck, RedisReadinessCheck],
    }),
    DatabaseModule.forRoot({ entities: [Company], migrations: [CreateCompanies1764331200000] }),
    RedisModule,
    TypeOrmModule.forFeature([Company]),
  ],
  controllers: [CompaniesController],
})
export class CompaniesModule {}
