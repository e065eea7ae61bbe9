import { Module } from '@nestjs/common';
import { messaging } from '@tremplin/messaging';
import { PlatformModule } from '@tremplin/platform';
import { CreateSchools1764331200000 } from './migrations/1764331200000-create-schools';
import { School } from './schools/school.entity';
import { SchoolsModule } from './schools/schools.module';
import { SUBSCRIPTIONS } from './subscriptions';

/** The schools service: the foundation, its feature modules, its subscriptions. */
@Module({
  imports: [
    PlatformModule.forRoot({
      service: 'schools',
      database: { entities: [School], migrations: [CreateSchools1764331200000] },
      plugins: [messaging({ handlers: SUBSCRIPTIONS })],
    }),
    SchoolsModule,
  ],
})
export class SchoolsServiceModule {}
