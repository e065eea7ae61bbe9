import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import {
  DatabaseModule,
  DatabaseReadinessCheck,
  PlatformModule,
  RedisModule,
  RedisReadinessCheck,
} from '@tremplin/platform';
import { CreateSchools1764331200000 } from './migrations/1764331200000-create-schools';
import { School } from './schools/school.entity';
import { SchoolsController } from './schools/schools.controller';

@Module({
  imports: [
    PlatformModule.forRoot({
      service: 'schools',
      readiness: [DatabaseReadinessCheck, RedisReadinessCheck],
    }),
    DatabaseModule.forRoot({ entities: [School], migrations: [CreateSchools1764331200000] }),
    RedisModule,
    TypeOrmModule.forFeature([School]),
  ],
  controllers: [SchoolsController],
})
export class SchoolsModule {}
