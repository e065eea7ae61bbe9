import { Module } from '@nestjs/common';
import { messaging } from '@tremplin/messaging';
import { PlatformModule } from '@tremplin/platform';
import { ClassesModule } from './classes/classes.module';
import { PfmpPeriod } from './classes/pfmp-period.entity';
import { SchoolClass } from './classes/school-class.entity';
import { CreateSchools1764331200000 } from './migrations/1764331200000-create-schools';
import { CreateClasses1765195200000 } from './migrations/1765195200000-create-classes';
import { CancelPfmpPeriods1765224000000 } from './migrations/1765224000000-cancel-pfmp-periods';
import { School } from './schools/school.entity';
import { SchoolsModule } from './schools/schools.module';
import { SUBSCRIPTIONS } from './subscriptions';

/** The schools service: the foundation, its feature modules, its subscriptions. */
@Module({
  imports: [
    PlatformModule.forRoot({
      service: 'schools',
      database: {
        entities: [School, SchoolClass, PfmpPeriod],
        migrations: [
          CreateSchools1764331200000,
          CreateClasses1765195200000,
          CancelPfmpPeriods1765224000000,
        ],
      },
      plugins: [messaging({ handlers: SUBSCRIPTIONS })],
    }),
    SchoolsModule,
    ClassesModule,
  ],
})
export class SchoolsServiceModule {}
