import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  KafkaReadinessCheck,
  MessagingModule,
  messagingEntities,
  messagingMigrations,
} from '@tremplin/messaging';
import { PlatformModule } from '@tremplin/platform';
import { CreateSchools1764331200000 } from './migrations/1764331200000-create-schools';
import { RegisterSchool } from './schools/register-school/register-school';
import { School } from './schools/school.entity';
import { SchoolsController } from './schools/schools.controller';

@Module({
  imports: [
    PlatformModule.forRoot({
      service: 'schools',
      database: {
        entities: [School, ...messagingEntities],
        migrations: [...messagingMigrations, CreateSchools1764331200000],
      },
      readiness: [KafkaReadinessCheck],
    }),
    MessagingModule.forRoot({ service: 'schools' }),
    TypeOrmModule.forFeature([School]),
  ],
  controllers: [SchoolsController],
  providers: [RegisterSchool],
})
export class SchoolsModule {}
