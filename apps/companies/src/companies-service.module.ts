import { Module } from '@nestjs/common';
import { messaging } from '@tremplin/messaging';
import { PlatformModule } from '@tremplin/platform';
import { Company } from './companies/company.entity';
import { CompaniesModule } from './companies/companies.module';
import { CreateCompanies1764331200000 } from './migrations/1764331200000-create-companies';
import { CreateInternshipOffers1765108800000 } from './migrations/1765108800000-create-internship-offers';
import { InternshipOffer } from './offers/internship-offer.entity';
import { InternshipOfferPeriod } from './offers/internship-offer-period.entity';
import { OffersModule } from './offers/offers.module';
import { SUBSCRIPTIONS } from './subscriptions';

/** The companies service: the foundation, its feature modules, its subscriptions. */
@Module({
  imports: [
    PlatformModule.forRoot({
      service: 'companies',
      database: {
        entities: [Company, InternshipOffer, InternshipOfferPeriod],
        migrations: [CreateCompanies1764331200000, CreateInternshipOffers1765108800000],
      },
      plugins: [messaging({ handlers: SUBSCRIPTIONS })],
    }),
    CompaniesModule,
    OffersModule,
  ],
})
export class CompaniesServiceModule {}
