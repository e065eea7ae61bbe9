import { Module } from '@nestjs/common';
import { messaging } from '@tremplin/messaging';
import { PlatformModule } from '@tremplin/platform';
import { Company } from './companies/company.entity';
import { CompaniesModule } from './companies/companies.module';
import { CreateCompanies1764331200000 } from './migrations/1764331200000-create-companies';
import { SUBSCRIPTIONS } from './subscriptions';

/** The companies service: the foundation, its feature modules, its subscriptions. */
@Module({
  imports: [
    PlatformModule.forRoot({
      service: 'companies',
      database: { entities: [Company], migrations: [CreateCompanies1764331200000] },
      plugins: [messaging({ handlers: SUBSCRIPTIONS })],
    }),
    CompaniesModule,
  ],
})
export class CompaniesServiceModule {}
